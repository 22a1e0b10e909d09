using System.Text.Json.Nodes;
using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;
using Daalu.Operator.Gpu;
using Daalu.Runtime;
using Daalu.Runtime.Events;
using Daalu.Runtime.Informers;
using Daalu.Runtime.Resources;
using Daalu.Runtime.Status;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Daalu.Operator.Controllers;

/// <summary>
/// Reconciles a GpuNode: resolves its card from the Node, labels the Node (class, tenant, device plugin) and writes
/// status. The device plugin DaemonSet all GpuNodes share has its own controller (<see cref="DevicePluginReconciler"/>).
/// A finalizer removes the node labels when the GpuNode is deleted, because labels on a Node are not children the
/// garbage collector could remove.
/// </summary>
public sealed partial class GpuNodeReconciler : IReconciler
{
    private readonly IKubernetes _client;
    private readonly IResourceCache<GpuNode> _gpuNodes;
    private readonly IResourceCache<V1Node> _nodes;
    private readonly IResourceCache<V1Pod> _pluginPods;
    private readonly IStatusWriter _status;
    private readonly IFinalizers _finalizers;
    private readonly IEventRecorder _events;
    private readonly IRuntimeClassProbe _runtimeClasses;
    private readonly OperatorSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the reconciler over the informer caches it reads and the API it writes.</summary>
    public GpuNodeReconciler(
        IKubernetes client,
        IInformer<GpuNode> gpuNodes,
        IInformer<V1Node> nodes,
        IInformer<V1Pod> pluginPods,
        IStatusWriter status,
        IFinalizers finalizers,
        IEventRecorder events,
        IRuntimeClassProbe runtimeClasses,
        OperatorSettings settings,
        TimeProvider time,
        ILogger<GpuNodeReconciler> logger)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _gpuNodes = (gpuNodes ?? throw new ArgumentNullException(nameof(gpuNodes))).Cache;
        _nodes = (nodes ?? throw new ArgumentNullException(nameof(nodes))).Cache;
        _pluginPods = (pluginPods ?? throw new ArgumentNullException(nameof(pluginPods))).Cache;
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _finalizers = finalizers ?? throw new ArgumentNullException(nameof(finalizers));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _runtimeClasses = runtimeClasses ?? throw new ArgumentNullException(nameof(runtimeClasses));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The GpuNodes that name <paramref name="nodeName"/> (how Node and device plugin pod changes map back).</summary>
    public static IEnumerable<ObjectKey> KeysForNode(IResourceCache<GpuNode> gpuNodes, string? nodeName)
    {
        ArgumentNullException.ThrowIfNull(gpuNodes);
        return string.IsNullOrEmpty(nodeName)
            ? []
            : gpuNodes.Keys(g => g.Spec?.NodeName == nodeName);
    }

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var gpuNode = _gpuNodes.Get(key);
        if (gpuNode is null)
        {
            // Gone (its finalizer already ran); the device plugin controller follows on its own.
            return ReconcileResult.Success();
        }

        if (gpuNode.Metadata.DeletionTimestamp is not null)
        {
            return await FinalizeAsync(gpuNode, cancellationToken).ConfigureAwait(false);
        }

        await _finalizers.AddAsync(gpuNode, WellKnown.NodeLabelsFinalizer, cancellationToken).ConfigureAwait(false);
        var spec = gpuNode.Spec ?? new GpuNodeSpec();
        var status = StatusCopy.Of(gpuNode.Status);
        var generation = gpuNode.Metadata.Generation ?? 0;
        var now = _time.GetUtcNow();
        var previousPhase = status.Phase;
        status.ObservedGeneration = generation;

        // Only read (labels and capacity): the shared cached instance, no copy.
        var node = _nodes.GetShared(new ObjectKey(null, spec.NodeName));
        if (node is null)
        {
            status.Phase = GpuNodePhases.NodeNotFound;
            status.GpuClass = null;
            status.Product = null;
            status.MemoryMiB = null;
            status.GpuCount = null;
            status.DevicePluginReady = false;
            status.DcgmExporterUrl = DcgmExporterEndpoint.Resolve(spec.DcgmExporter, null);
            Conditions.Set(status.Conditions, "Ready", ConditionStatus.False, GpuNodeReasons.NodeNotFound,
                $"Node '{spec.NodeName}' does not exist.", generation, now);
            return await WriteStatusAsync(gpuNode, status, previousPhase, cancellationToken).ConfigureAwait(false);
        }

        var detection = GpuClassDetector.Detect(node, spec.GpuClass);
        await LabelNodeAsync(node, DesiredLabels(spec, detection), cancellationToken).ConfigureAwait(false);

        status.GpuClass = detection.GpuClass;
        status.Product = detection.Product;
        status.MemoryMiB = detection.MemoryMiB;
        status.GpuCount = detection.GpuCount;
        status.DcgmExporterUrl = DcgmExporterEndpoint.Resolve(spec.DcgmExporter, node);

        var runtimeClass = await ResolveRuntimeClassAsync(spec.RuntimeClassName, cancellationToken).ConfigureAwait(false);
        var readiness = GpuReadiness.Evaluate(spec, detection, PluginPodReady(node), GpuReadiness.AllocatableGpus(node), runtimeClass,
            _settings.DevicePluginNamespace);
        status.Phase = readiness.Phase;
        status.DevicePluginReady = readiness.DevicePluginReady;
        Conditions.Set(status.Conditions, "Ready", readiness.Ready ? ConditionStatus.True : ConditionStatus.False, readiness.Reason,
            readiness.Message, generation, now);

        return await WriteStatusAsync(gpuNode, status, previousPhase, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The labels the Node should carry for this GpuNode; null values remove a label.</summary>
    public static Dictionary<string, string?> DesiredLabels(GpuNodeSpec spec, GpuDetection detection)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(detection);

        // An unsupported or undetected card gets no class label, so neither the device plugin nor class-pinned
        // vLLM pods land on it.
        var supported = detection.Supported;
        return new Dictionary<string, string?>
        {
            [WellKnown.GpuClassLabel] = supported ? detection.GpuClass : null,
            [WellKnown.TenantLabel] = supported ? spec.Tenant ?? string.Empty : null,
            [WellKnown.DevicePluginLabel] = supported && spec.DevicePlugin?.Enabled != false ? WellKnown.DevicePluginLabelValue : null,
            [WellKnown.DcgmExporterLabel] = supported && spec.DcgmExporter?.Deploy == true ? WellKnown.DcgmExporterLabelValue : null,
        };
    }

    private async Task<ReconcileResult> FinalizeAsync(GpuNode gpuNode, CancellationToken cancellationToken)
    {
        if (gpuNode.Metadata.Finalizers?.Contains(WellKnown.NodeLabelsFinalizer) != true)
        {
            return ReconcileResult.Success();
        }

        var node = _nodes.GetShared(new ObjectKey(null, gpuNode.Spec?.NodeName ?? string.Empty));

        // Another live GpuNode may declare the same node (e.g. during a rename); its labels stay.
        var stillDeclared = _gpuNodes.Keys(g =>
            g.Metadata.Name != gpuNode.Metadata.Name && g.Metadata.DeletionTimestamp is null && g.Spec?.NodeName == gpuNode.Spec?.NodeName).Count > 0;
        if (node is not null && !stillDeclared)
        {
            await LabelNodeAsync(node, new Dictionary<string, string?>
            {
                [WellKnown.GpuClassLabel] = null,
                [WellKnown.TenantLabel] = null,
                [WellKnown.DevicePluginLabel] = null,
                [WellKnown.DcgmExporterLabel] = null,
            }, cancellationToken).ConfigureAwait(false);
        }

        await _finalizers.RemoveAsync(gpuNode, WellKnown.NodeLabelsFinalizer, cancellationToken).ConfigureAwait(false);
        Log.Finalized(_logger, gpuNode.Metadata.Name);
        return ReconcileResult.Success();
    }

    private async Task LabelNodeAsync(V1Node node, Dictionary<string, string?> desired, CancellationToken cancellationToken)
    {
        var current = node.Metadata.Labels ?? new Dictionary<string, string>();
        var changes = new JsonObject();
        foreach (var (label, value) in desired)
        {
            var has = current.TryGetValue(label, out var existing);
            if (value is null && has)
            {
                changes[label] = null;
            }
            else if (value is not null && (!has || existing != value))
            {
                changes[label] = value;
            }
        }

        if (changes.Count == 0)
        {
            return;
        }

        // A merge patch of only our labels: other controllers' labels on the Node are left alone.
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = changes } };
        try
        {
            await _client.CoreV1.PatchNodeAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), node.Metadata.Name,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            Log.NodeLabelled(_logger, node.Metadata.Name, changes.Count);
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
            // The Node went away between the cache read and the patch; its watch event requeues us.
        }
    }

    private async ValueTask<string?> ResolveRuntimeClassAsync(string? gpuNodeSetting, CancellationToken cancellationToken) =>
        GpuRuntime.Resolve(gpuNodeSetting, _settings.GpuRuntimeClass,
            GpuRuntime.NeedsLookup(gpuNodeSetting, _settings.GpuRuntimeClass)
            && await _runtimeClasses.ExistsAsync(GpuRuntime.NvidiaRuntimeClass, cancellationToken).ConfigureAwait(false));

    private bool PluginPodReady(V1Node node)
    {
        var ns = _settings.DevicePluginNamespace;
        return _pluginPods.Keys(p =>
            p.Metadata.NamespaceProperty == ns
            && p.Spec?.NodeName == node.Metadata.Name
            && p.Metadata.DeletionTimestamp is null
            && p.Metadata.OwnerReferences?.Any(o => o.Kind == "DaemonSet" && o.Name == ChildNames.DevicePlugin) != false
            && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == ConditionStatus.True) == true).Count > 0;
    }

    private async Task<ReconcileResult> WriteStatusAsync(GpuNode gpuNode, GpuNodeStatus status, string? previousPhase, CancellationToken cancellationToken)
    {
        var outcome = await _status.WriteAsync(gpuNode, status, cancellationToken).ConfigureAwait(false);
        if (outcome == StatusWriteOutcome.Conflict)
        {
            return ReconcileResult.Failure("status write conflicted; the GpuNode changed since it was read");
        }

        if (outcome == StatusWriteOutcome.Written && previousPhase != status.Phase && status.Phase is { } phase)
        {
            var ready = Conditions.Find(status.Conditions, "Ready");
            await _events.RecordAsync(gpuNode, phase == GpuNodePhases.Ready ? EventTypes.Normal : EventTypes.Warning,
                ready?.Reason ?? phase, ready?.Message ?? phase, cancellationToken).ConfigureAwait(false);
        }

        return ReconcileResult.Success();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Labelled node {Node} ({Changes} label changes)")]
        public static partial void NodeLabelled(ILogger logger, string node, int changes);

        [LoggerMessage(5, LogLevel.Information, "Removed node labels of GpuNode {GpuNode} and its finalizer")]
        public static partial void Finalized(ILogger logger, string gpuNode);
    }
}
