using k8s;
using k8s.Models;

namespace Daalu.Runtime.Resources;

/// <summary>Merge patches of custom resources (main resource or /status), addressed by the type's entity attribute.</summary>
internal static class CustomResourceApi
{
    public static async Task<T> PatchAsync<T>(IKubernetes client, T obj, string patchJson, bool status, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var info = ResourceInfo.Of<T>();
        var name = obj.Metadata.Name;
        var ns = obj.Metadata.NamespaceProperty;
        var patch = new V1Patch(patchJson, V1Patch.PatchType.MergePatch);
        var ops = client.CustomObjects;
        using var response = (string.IsNullOrEmpty(ns), status) switch
        {
            (true, true) => await ops.PatchClusterCustomObjectStatusWithHttpMessagesAsync<T>(patch, info.Group, info.Version, info.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false),
            (true, false) => await ops.PatchClusterCustomObjectWithHttpMessagesAsync<T>(patch, info.Group, info.Version, info.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false),
            (false, true) => await ops.PatchNamespacedCustomObjectStatusWithHttpMessagesAsync<T>(patch, info.Group, info.Version, ns, info.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false),
            (false, false) => await ops.PatchNamespacedCustomObjectWithHttpMessagesAsync<T>(patch, info.Group, info.Version, ns, info.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false),
        };
        return response.Body;
    }
}
