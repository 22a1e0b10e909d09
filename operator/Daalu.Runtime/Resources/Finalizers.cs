using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.Runtime.Resources;

/// <summary>The <see cref="IFinalizers"/> for custom resources (merge patch of metadata.finalizers).</summary>
public sealed class Finalizers : IFinalizers
{
    private readonly IKubernetes _client;

    /// <summary>Creates the helper.</summary>
    public Finalizers(IKubernetes client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <inheritdoc />
    public Task<bool> AddAsync<T>(T obj, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        var current = obj.Metadata?.Finalizers ?? [];
        return current.Contains(finalizer)
            ? Task.FromResult(false)
            : WriteAsync(obj, [.. current, finalizer], cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync<T>(T obj, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        var current = obj.Metadata?.Finalizers ?? [];
        if (!current.Contains(finalizer))
        {
            return false;
        }

        try
        {
            return await WriteAsync(obj, [.. current.Where(f => f != finalizer)], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
            return false;
        }
    }

    private async Task<bool> WriteAsync<T>(T obj, List<string> finalizers, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        // Merge patch replaces the whole list, so the resourceVersion precondition keeps a concurrent
        // change to the list from being overwritten (it becomes a 409 and a retry instead).
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = obj.Metadata.ResourceVersion,
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode?)JsonValue.Create(f))]),
            },
        };
        var updated = await CustomResourceApi.PatchAsync(_client, obj, patch.ToJsonString(), status: false, cancellationToken).ConfigureAwait(false);
        obj.Metadata.Finalizers = finalizers;
        obj.Metadata.ResourceVersion = updated?.Metadata?.ResourceVersion ?? obj.Metadata.ResourceVersion;
        return true;
    }
}
