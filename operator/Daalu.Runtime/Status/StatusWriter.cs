using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Daalu.Runtime.Resources;
using k8s;
using k8s.Models;

namespace Daalu.Runtime.Status;

/// <summary>The <see cref="IStatusWriter"/> for custom resources (CustomObjects API, merge patch on /status).</summary>
public sealed class StatusWriter : IStatusWriter
{
    private readonly IKubernetes _client;

    // Per object uid, the last status this writer wrote: the resourceVersion the patch was made against and a hash of
    // the status it produced. An informer cache lags a write by one watch event; a reconcile that runs in between (the
    // child it just created, or any other event, requeued the object) reads the object as it was before the write and
    // would send the same status again, only to get 409 Conflict and a retry. One entry per written object, dropped as
    // soon as a newer version of the object is read.
    private readonly ConcurrentDictionary<string, (string FromVersion, string StatusHash)> _written = new(StringComparer.Ordinal);

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
        return BuildPatch(current, desiredStatus is null ? null : KubernetesJson.Serialize(desiredStatus));
    }

    private static string? BuildPatch(IKubernetesObject<V1ObjectMeta> current, string? desiredJson)
    {
        var currentStatus = JsonNode.Parse(KubernetesJson.Serialize(current))?["status"];
        var desired = desiredJson is null ? null : JsonNode.Parse(desiredJson);
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
        var version = current.Metadata?.ResourceVersion;
        if (string.IsNullOrEmpty(version))
        {
            throw new ArgumentException("the object needs metadata.resourceVersion (read it from the API or the cache)", nameof(current));
        }

        var desiredJson = desiredStatus is null ? null : KubernetesJson.Serialize(desiredStatus);
        var desiredHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(desiredJson ?? "null")));
        var uid = current.Metadata!.Uid;
        if (!string.IsNullOrEmpty(uid) && _written.TryGetValue(uid, out var last))
        {
            if (last.FromVersion == version)
            {
                // The read predates this writer's own last write, which already made the status what is wanted now.
                if (last.StatusHash == desiredHash)
                {
                    return StatusWriteOutcome.Unchanged;
                }
            }
            else
            {
                _written.TryRemove(KeyValuePair.Create(uid, last));
            }
        }

        var patch = BuildPatch(current, desiredJson);
        if (patch is null)
        {
            return StatusWriteOutcome.Unchanged;
        }

        try
        {
            var updated = await CustomResourceApi.PatchAsync(_client, current, patch, status: true, cancellationToken).ConfigureAwait(false);
            current.Metadata.ResourceVersion = updated?.Metadata?.ResourceVersion ?? current.Metadata.ResourceVersion;
            if (!string.IsNullOrEmpty(uid))
            {
                _written[uid] = (version, desiredHash);
            }

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
