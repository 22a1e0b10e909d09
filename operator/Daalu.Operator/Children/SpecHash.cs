using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Children;

/// <summary>
/// A hash of a desired child, stored on it as an annotation. The API server fills in defaults (and other controllers
/// add fields), so comparing desired and live objects field by field would see a difference on every reconcile; the
/// hash of what the operator asked for changes only when the operator's intent changes.
/// </summary>
public static class SpecHash
{
    /// <summary>Computes the hash of <paramref name="desired"/> and writes it to its annotations.</summary>
    public static string Stamp<T>(T desired)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(desired);
        desired.Metadata ??= new V1ObjectMeta();
        desired.Metadata.Annotations ??= new Dictionary<string, string>();
        desired.Metadata.Annotations.Remove(WellKnown.SpecHashAnnotation);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(desired))))[..16];
        desired.Metadata.Annotations[WellKnown.SpecHashAnnotation] = hash;
        return hash;
    }

    /// <summary>The hash stored on a live object, or null.</summary>
    public static string? Of(IKubernetesObject<V1ObjectMeta>? live) =>
        live?.Metadata?.Annotations is { } annotations && annotations.TryGetValue(WellKnown.SpecHashAnnotation, out var hash)
            ? hash
            : null;
}
