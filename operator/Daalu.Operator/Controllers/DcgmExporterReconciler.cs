using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;
using Daalu.Operator.Gpu;
using Daalu.Runtime;
using Daalu.Runtime.Informers;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Daalu.Operator.Controllers;

/// <summary>
/// Keeps the one NVIDIA dcgm-exporter DaemonSet and its Service (in the device plugin's namespace) in step with every
/// GpuNode that sets spec.dcgmExporter.deploy. Like <see cref="DevicePluginReconciler"/> it writes a shared object,
/// so every GpuNode change maps to one fixed key (<see cref="Key"/>) and one worker at a time writes it. The objects
/// exist while any live GpuNode asks for the exporter; the image and RuntimeClass come from the first such GpuNode by
/// name. Which nodes run it is the DaemonSet's node affinity on the label the GpuNode controller sets.
/// </summary>
public sealed partial class DcgmExporterReconciler : IReconciler
{
    private readonly IKubernetes _client;
    private readonly IResourceCache<GpuNode> _gpuNodes;
    private readonly IResourceCache<V1DaemonSet> _daemonSets;
    private readonly IResourceCache<V1Service> _services;
    private readonly IRuntimeClassProbe _runtimeClasses;
    private readonly OperatorSettings _settings;
    private readonly ILogger _logger;

    /// <summary>Creates the reconciler.</summary>
    public DcgmExporterReconciler(
        IKubernetes client,
        IInformer<GpuNode> gpuNodes,
        IInformer<V1DaemonSet> daemonSets,
        IInformer<V1Service> services,
        IRuntimeClassProbe runtimeClasses,
        OperatorSettings settings,
        ILogger<DcgmExporterReconciler> logger)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _gpuNodes = (gpuNodes ?? throw new ArgumentNullException(nameof(gpuNodes))).Cache;
        _daemonSets = (daemonSets ?? throw new ArgumentNullException(nameof(daemonSets))).Cache;
        _services = (services ?? throw new ArgumentNullException(nameof(services))).Cache;
        _runtimeClasses = runtimeClasses ?? throw new ArgumentNullException(nameof(runtimeClasses));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The one key this controller reconciles: the DaemonSet's (and Service's) namespace and name.</summary>
    public static ObjectKey Key(OperatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ObjectKey(settings.DevicePluginNamespace, ChildNames.DcgmExporter);
    }

    /// <summary>Whether <paramref name="gpuNode"/> asks the operator to run dcgm-exporter on its node.</summary>
    public static bool Wants(GpuNode gpuNode)
    {
        ArgumentNullException.ThrowIfNull(gpuNode);
        return gpuNode.Metadata?.DeletionTimestamp is null && gpuNode.Spec?.DcgmExporter?.Deploy == true;
    }

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        if (key != Key(_settings))
        {
            // Another DaemonSet that carries the operator's label (the device plugin's): not ours to shape.
            return ReconcileResult.Success();
        }

        var wanting = _gpuNodes.ListShared(Wants);
        var ns = _settings.DevicePluginNamespace;
        var liveDaemonSet = _daemonSets.GetShared(key);
        var liveService = _services.GetShared(key);
        if (wanting.Count == 0)
        {
            await DeleteAsync(liveDaemonSet, (c, ct) => c.AppsV1.DeleteNamespacedDaemonSetAsync(ChildNames.DcgmExporter, ns, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            await DeleteAsync(liveService, (c, ct) => c.CoreV1.DeleteNamespacedServiceAsync(ChildNames.DcgmExporter, ns, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Success();
        }

        var first = wanting.MinBy(g => g.Metadata.Name, StringComparer.Ordinal)!.Spec;
        var image = string.IsNullOrWhiteSpace(first.DcgmExporter?.Image) ? DcgmExporterSpec.DefaultImage : first.DcgmExporter.Image;
        var runtimeClass = GpuRuntime.Resolve(first.RuntimeClassName, _settings.GpuRuntimeClass,
            GpuRuntime.NeedsLookup(first.RuntimeClassName, _settings.GpuRuntimeClass)
            && await _runtimeClasses.ExistsAsync(GpuRuntime.NvidiaRuntimeClass, cancellationToken).ConfigureAwait(false));

        ChildApplyResult<V1DaemonSet> result;
        try
        {
            result = await ApplyDaemonSet(DcgmExporterBuilder.BuildDaemonSet(ns, image, runtimeClass), liveDaemonSet, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (liveDaemonSet is null && ApiErrors.IsNotFound(ex))
        {
            // The namespace does not exist yet: make it, then try once more (a failure retries the reconcile).
            await CreateNamespaceAsync(ns, cancellationToken).ConfigureAwait(false);
            result = await ApplyDaemonSet(DcgmExporterBuilder.BuildDaemonSet(ns, image, runtimeClass), null, cancellationToken).ConfigureAwait(false);
        }

        await ChildApplier.ApplyAsync(_client, ChildKinds.Service, DcgmExporterBuilder.BuildService(ns), owner: null, liveService, readFromApi: false,
            ChildApplyMode.CreateOrUpdate, cancellationToken).ConfigureAwait(false);

        if (result.Outcome != ChildApplyOutcome.Unchanged)
        {
            Log.Written(_logger, result.Outcome.ToString(), ns, image, runtimeClass ?? "(default)", wanting.Count);
        }

        return ReconcileResult.Success();
    }

    private Task<ChildApplyResult<V1DaemonSet>> ApplyDaemonSet(V1DaemonSet desired, V1DaemonSet? cached, CancellationToken cancellationToken) =>
        ChildApplier.ApplyAsync(_client, ChildKinds.DaemonSet, desired, owner: null, cached, readFromApi: false, ChildApplyMode.CreateOrUpdate, cancellationToken);

    private async Task DeleteAsync(IKubernetesObject<V1ObjectMeta>? live, Func<IKubernetes, CancellationToken, Task> delete, CancellationToken cancellationToken)
    {
        if (live is null || !ChildApplier.IsOurs(live, owner: null))
        {
            return;
        }

        try
        {
            await delete(_client, cancellationToken).ConfigureAwait(false);
            Log.Removed(_logger, live.Kind ?? "object", live.Metadata.NamespaceProperty);
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
        }
    }

    private async Task CreateNamespaceAsync(string ns, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CoreV1.CreateNamespaceAsync(new V1Namespace
            {
                Metadata = new V1ObjectMeta { Name = ns, Labels = new Dictionary<string, string> { [WellKnown.ManagedByLabel] = WellKnown.ManagedByValue } },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiErrors.IsConflict(ex))
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Outcome} the dcgm-exporter DaemonSet in {Namespace}: image {Image}, runtime class {RuntimeClass}, {GpuNodes} GpuNode(s) ask for it")]
        public static partial void Written(ILogger logger, string outcome, string @namespace, string image, string runtimeClass, int gpuNodes);

        [LoggerMessage(2, LogLevel.Information, "Removed the dcgm-exporter {Kind} from {Namespace}: no GpuNode asks for it")]
        public static partial void Removed(ILogger logger, string kind, string @namespace);
    }
}
