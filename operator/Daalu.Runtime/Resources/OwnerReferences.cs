using k8s;
using k8s.Models;

namespace Daalu.Runtime.Resources;

/// <summary>Controller owner references: set them on children, and map a child back to its owner's key.</summary>
public static class OwnerReferences
{
    /// <summary>A controller reference to <paramref name="owner"/> (controller=true, blockOwnerDeletion=true).</summary>
    public static V1OwnerReference ControllerReference(IKubernetesObject<V1ObjectMeta> owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var meta = owner.Metadata ?? throw new ArgumentException("owner has no metadata", nameof(owner));
        if (string.IsNullOrEmpty(meta.Uid) || string.IsNullOrEmpty(meta.Name) || string.IsNullOrEmpty(owner.Kind) || string.IsNullOrEmpty(owner.ApiVersion))
        {
            throw new ArgumentException("owner needs apiVersion, kind, metadata.name and metadata.uid (read it from the API first)", nameof(owner));
        }

        return new V1OwnerReference
        {
            ApiVersion = owner.ApiVersion,
            Kind = owner.Kind,
            Name = meta.Name,
            Uid = meta.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>
    /// Makes <paramref name="owner"/> the controller of <paramref name="child"/>. Refuses a cross-namespace owner
    /// (the garbage collector would delete the child) and a child already controlled by someone else.
    /// </summary>
    public static void SetControllerReference(IKubernetesObject<V1ObjectMeta> child, IKubernetesObject<V1ObjectMeta> owner)
    {
        ArgumentNullException.ThrowIfNull(child);
        ArgumentNullException.ThrowIfNull(owner);
        var reference = ControllerReference(owner);
        var ownerNamespace = owner.Metadata.NamespaceProperty;
        child.Metadata ??= new V1ObjectMeta();
        if (!string.IsNullOrEmpty(ownerNamespace) && ownerNamespace != child.Metadata.NamespaceProperty)
        {
            throw new InvalidOperationException(
                $"{owner.Kind} {ownerNamespace}/{owner.Metadata.Name} cannot own an object in namespace '{child.Metadata.NamespaceProperty}'");
        }

        var references = child.Metadata.OwnerReferences ?? [];
        var existing = references.FirstOrDefault(r => r.Controller == true);
        if (existing is not null && existing.Uid != reference.Uid)
        {
            throw new InvalidOperationException($"object is already controlled by {existing.Kind} {existing.Name}");
        }

        child.Metadata.OwnerReferences = [.. references.Where(r => r.Uid != reference.Uid), reference];
    }

    /// <summary>The controller owner reference of <paramref name="obj"/>, or null.</summary>
    public static V1OwnerReference? GetController(IKubernetesObject<V1ObjectMeta> obj) =>
        obj?.Metadata?.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    /// <summary>
    /// The key of <paramref name="child"/>'s controller when it is of <paramref name="owner"/>'s kind and group;
    /// a cluster-scoped owner's key has no namespace.
    /// </summary>
    public static ObjectKey? ControllerKey(IKubernetesObject<V1ObjectMeta> child, ResourceInfo owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var reference = GetController(child);
        if (reference is null || reference.Kind != owner.Kind || GroupOf(reference.ApiVersion) != owner.Group)
        {
            return null;
        }

        return new ObjectKey(owner.Namespaced ? child.Metadata.NamespaceProperty : null, reference.Name);
    }

    private static string GroupOf(string? apiVersion) =>
        apiVersion is null || !apiVersion.Contains('/', StringComparison.Ordinal) ? string.Empty : apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)];
}
