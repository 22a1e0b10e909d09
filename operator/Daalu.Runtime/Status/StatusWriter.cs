using System.Text.Json.Nodes;
using Daalu.Runtime.Resources;
using k8s;
using k8s.Models;

namespace Daalu.Runtime.Status;

/// <summary>The <see cref="IStatusWriter"/> for custom resources (CustomObjects API, merge patch on /status).</summary>
public sealed class StatusWriter : IStatusWriter
{
    private readonly IKubernetes _client;

    /// <summary>Creates the writer.</summary>
    public StatusWriter(IKubernetes client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>The merge patch for /status, or null when <paramref name="desiredStatus"/> equals the current status.</summary>
    public static string? BuildPatch(IKubernetesObject<V1ObjectMeta> current, object? desiredStatus)
    {
        ArgumentNullException.ThrowIfNull(current);
        var currentStatus = JsonNode.Parse(KubernetesJson.Serialize(current))?["status"];
        var desired = desiredStatus is null ? null : JsonNode.Parse(KubernetesJson.Serialize(desiredStatus));
        var (changed, diff) = JsonMergePatch.Diff(currentStatus, desired);
        if (!changed)
        {
            return null;
        }

        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = current.Metadata?.ResourceVersion },
            ["status"] = diff,
        };
        return patch.ToJsonString();
    }

    /// <inheritdoc />
    public async Task<StatusWriteOutcome> WriteAsync<T>(T current, object? desiredStatus, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(current);
        if (string.IsNullOrEmpty(current.Metadata?.ResourceVersion))
        {
            throw new ArgumentException("the object needs metadata.resourceVersion (read it from the API or the cache)", nameof(current));
        }

        var patch = BuildPatch(current, desiredStatus);
        if (patch is null)
        {
            return StatusWriteOutcome.Unchanged;
        }

        try
        {
            var updated = await CustomResourceApi.PatchAsync(_client, current, patch, status: true, cancellationToken).ConfigureAwait(false);
            current.Metadata.ResourceVersion = updated?.Metadata?.ResourceVersion ?? current.Metadata.ResourceVersion;
            return StatusWriteOutcome.Written;
        }
        catch (Exception ex) when (ApiErrors.IsConflict(ex))
        {
            return StatusWriteOutcome.Conflict;
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
            return StatusWriteOutcome.NotFound;
        }
    }
}
