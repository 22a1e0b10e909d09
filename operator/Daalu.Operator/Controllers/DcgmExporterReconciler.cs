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
/// so every GpuNode change maps to one fixed key (<see cref="Key"/>) and one worker at a time writes it
/// (<see cref="FixedKeyDaemonSetReconciler"/>). The objects exist while any live GpuNode asks for the exporter; the
/// image and RuntimeClass come from the first such GpuNode by name. Which nodes run it is the DaemonSet's node affinity
/// on the label the GpuNode controller sets.
/// </summary>
public sealed partial class DcgmExporterReconciler : FixedKeyDaemonSetReconciler
{
    private readonly IResourceCache<V1Service> _services;
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
        : base(client, gpuNodes, daemonSets, runtimeClasses, settings, ChildNames.DcgmExporter)
    {
        _services = (services ?? throw new ArgumentNullException(nameof(services))).Cache;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The one key this controller reconciles: the DaemonSet's (and Service's) namespace and name.</summary>
    public static ObjectKey Key(OperatorSettings settings) => KeyOf(settings, ChildNames.DcgmExporter);

    /// <summary>Whether <paramref name="gpuNode"/> asks the operator to run dcgm-exporter on its node.</summary>
    public static bool Wants(GpuNode gpuNode)
    {
        ArgumentNullException.ThrowIfNull(gpuNode);
        return gpuNode.Metadata?.DeletionTimestamp is null && gpuNode.Spec?.DcgmExporter?.Deploy == true;
    }

    /// <inheritdoc />
    protected override bool Asks(GpuNode gpuNode) => Wants(gpuNode);

    /// <inheritdoc />
    protected override async Task RemoveAsync(ObjectKey key, V1DaemonSet? live, CancellationToken cancellationToken)
    {
        if (await DeleteIfOursAsync(live, (c, ct) => c.AppsV1.DeleteNamespacedDaemonSetAsync(key.Name, Settings.DevicePluginNamespace, cancellationToken: ct), cancellationToken)
            .ConfigureAwait(false))
        {
            Log.Removed(_logger, live!.Kind ?? "object", Settings.DevicePluginNamespace);
        }

        var liveService = _services.GetShared(key);
        if (await DeleteIfOursAsync(liveService, (c, ct) => c.CoreV1.DeleteNamespacedServiceAsync(key.Name, Settings.DevicePluginNamespace, cancellationToken: ct), cancellationToken)
            .ConfigureAwait(false))
        {
            Log.Removed(_logger, liveService!.Kind ?? "object", Settings.DevicePluginNamespace);
        }
    }

    /// <inheritdoc />
    protected override async Task ApplyAsync(ObjectKey key, GpuNodeSpec decider, string? runtimeClass, V1DaemonSet? live, int wanting, CancellationToken cancellationToken)
    {
        var ns = Settings.DevicePluginNamespace;
        var image = string.IsNullOrWhiteSpace(decider.DcgmExporter?.Image) ? DcgmExporterSpec.DefaultImage : decider.DcgmExporter.Image;
        var result = await ApplyDaemonSetAsync(() => DcgmExporterBuilder.BuildDaemonSet(ns, image, runtimeClass), live, cancellationToken).ConfigureAwait(false);
        await ChildApplier.ApplyAsync(Client, ChildKinds.Service, DcgmExporterBuilder.BuildService(ns), owner: null, _services.GetShared(key), readFromApi: false,
            ChildApplyMode.CreateOrUpdate, cancellationToken).ConfigureAwait(false);

        if (result.Outcome != ChildApplyOutcome.Unchanged)
        {
            Log.Written(_logger, result.Outcome.ToString(), ns, image, runtimeClass ?? "(default)", wanting);
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
