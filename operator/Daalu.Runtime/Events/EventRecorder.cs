using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daalu.Runtime.Events;

/// <summary>
/// Core v1 events with a deterministic name per (object uid, type, reason, message): a repeat patches
/// <c>count</c> and <c>lastTimestamp</c>, also across restarts (create answers 409, then the existing event is read).
/// </summary>
public sealed partial class EventRecorder : IEventRecorder
{
    private const int MaxMessageLength = 1024;
    private readonly IKubernetes _client;
    private readonly string _component;
    private readonly string _instance;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, int> _counts = new();

    /// <summary>Creates the recorder.</summary>
    /// <param name="client">The API client.</param>
    /// <param name="component">The reporting component, e.g. daalu-operator.</param>
    /// <param name="instance">The reporting instance (pod name).</param>
    /// <param name="time">Clock.</param>
    /// <param name="logger">Logger.</param>
    public EventRecorder(IKubernetes client, string component, string? instance = null, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(component);
        _client = client;
        _component = component;
        _instance = instance ?? Environment.MachineName;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The event's name: the object's name and a hash of what makes two events the same.</summary>
    public static string EventName(IKubernetesObject<V1ObjectMeta> involved, string type, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(involved);
        var identity = $"{involved.Metadata.Uid}\n{involved.Kind}\n{involved.Metadata.Name}\n{type}\n{reason}\n{message}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16];
        var name = involved.Metadata.Name;
        return $"{(name.Length > 200 ? name[..200] : name)}.{hash}";
    }

    /// <inheritdoc />
    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> involved, string type, string reason, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(involved);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        if (type is not (EventTypes.Normal or EventTypes.Warning))
        {
            throw new ArgumentException($"event type must be Normal or Warning, not '{type}'", nameof(type));
        }

        message ??= string.Empty;
        if (message.Length > MaxMessageLength)
        {
            message = message[..MaxMessageLength];
        }

        var ns = string.IsNullOrEmpty(involved.Metadata.NamespaceProperty) ? "default" : involved.Metadata.NamespaceProperty;
        var name = EventName(involved, type, reason, message);
        var now = _time.GetUtcNow().UtcDateTime;
        try
        {
            if (_counts.TryGetValue(name, out var count))
            {
                await BumpAsync(ns, name, count + 1, now, cancellationToken).ConfigureAwait(false);
                return;
            }

            var ev = new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                InvolvedObject = new V1ObjectReference
                {
                    ApiVersion = involved.ApiVersion,
                    Kind = involved.Kind,
                    Name = involved.Metadata.Name,
                    NamespaceProperty = involved.Metadata.NamespaceProperty,
                    Uid = involved.Metadata.Uid,
                    ResourceVersion = involved.Metadata.ResourceVersion,
                },
                Type = type,
                Reason = reason,
                Message = message,
                Count = 1,
                FirstTimestamp = now,
                LastTimestamp = now,
                Source = new V1EventSource { Component = _component },
                ReportingComponent = _component,
                ReportingInstance = _instance,
            };
            try
            {
                await _client.CoreV1.CreateNamespacedEventAsync(ev, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                _counts[name] = 1;
            }
            catch (Exception ex) when (ApiErrors.IsConflict(ex))
            {
                // Recorded by an earlier run of the operator: continue its count.
                var existing = await _client.CoreV1.ReadNamespacedEventAsync(name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                await BumpAsync(ns, name, (existing.Count ?? 1) + 1, now, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _counts.TryRemove(name, out _);
            Log.RecordFailed(_logger, reason, involved.Kind, involved.Metadata.Name, ex.GetType().Name, ApiErrors.StatusCode(ex));
        }
    }

    private async Task BumpAsync(string ns, string name, int count, DateTime now, CancellationToken cancellationToken)
    {
        var patch = new JsonObject { ["count"] = count, ["lastTimestamp"] = now.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) };
        await _client.CoreV1.PatchNamespacedEventAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), name, ns, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        _counts[name] = count;
    }
}
