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
/// Keeps the one NVIDIA device plugin DaemonSet in step with every GpuNode. It is a shared object: every GpuNode change
/// maps to one fixed key (<see cref="Key"/>), and the work queue never runs a key twice at once, so exactly one worker
/// writes it (before, each GpuNode reconcile recomputed it and parallel workers raced on the create). The DaemonSet
/// exists while any live GpuNode wants the plugin; its image and RuntimeClass come from the first such GpuNode by name
/// (<see cref="FixedKeyDaemonSetReconciler"/>).
/// </summary>
public sealed partial class DevicePluginReconciler : FixedKeyDaemonSetReconciler
{
    private readonly ILogger _logger;

    /// <summary>Creates the reconciler.</summary>
    public DevicePluginReconciler(
        IKubernetes client,
        IInformer<GpuNode> gpuNodes,
        IInformer<V1DaemonSet> daemonSets,
        IRuntimeClassProbe runtimeClasses,
        OperatorSettings settings,
        ILogger<DevicePluginReconciler> logger)
        : base(client, gpuNodes, daemonSets, runtimeClasses, settings, ChildNames.DevicePlugin) =>
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));

    /// <summary>The one key this controller reconciles: the DaemonSet's namespace and name.</summary>
    public static ObjectKey Key(OperatorSettings settings) => KeyOf(settings, ChildNames.DevicePlugin);

    /// <inheritdoc />
    protected override bool Asks(GpuNode gpuNode) => gpuNode.Metadata.DeletionTimestamp is null && gpuNode.Spec?.DevicePlugin?.Enabled != false;

    /// <inheritdoc />
    protected override async Task RemoveAsync(ObjectKey key, V1DaemonSet? live, CancellationToken cancellationToken)
    {
        if (await DeleteIfOursAsync(live, (c, ct) => c.AppsV1.DeleteNamespacedDaemonSetAsync(key.Name, Settings.DevicePluginNamespace, cancellationToken: ct), cancellationToken)
            .ConfigureAwait(false))
        {
            Log.Removed(_logger, Settings.DevicePluginNamespace);
        }
    }

    /// <inheritdoc />
    protected override async Task ApplyAsync(ObjectKey key, GpuNodeSpec decider, string? runtimeClass, V1DaemonSet? live, int wanting, CancellationToken cancellationToken)
    {
        var image = string.IsNullOrWhiteSpace(decider.DevicePlugin?.Image) ? DevicePluginSpec.DefaultImage : decider.DevicePlugin.Image;
        var result = await ApplyDaemonSetAsync(() => DevicePluginBuilder.Build(Settings.DevicePluginNamespace, image, runtimeClass), live, cancellationToken).ConfigureAwait(false);
        if (result.Outcome != ChildApplyOutcome.Unchanged)
        {
            Log.Written(_logger, result.Outcome.ToString(), Settings.DevicePluginNamespace, image, runtimeClass ?? "(default)");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Outcome} the device plugin DaemonSet in {Namespace}: image {Image}, runtime class {RuntimeClass}")]
        public static partial void Written(ILogger logger, string outcome, string @namespace, string image, string runtimeClass);

        [LoggerMessage(2, LogLevel.Information, "Removed the device plugin DaemonSet from {Namespace}: no GpuNode wants it")]
        public static partial void Removed(ILogger logger, string @namespace);
    }
}
