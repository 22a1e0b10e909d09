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
/// exists while any live GpuNode wants the plugin; its image and RuntimeClass come from the first such GpuNode by name.
/// </summary>
public sealed partial class DevicePluginReconciler : IReconciler
{
    private readonly IKubernetes _client;
    private readonly IResourceCache<GpuNode> _gpuNodes;
    private readonly IResourceCache<V1DaemonSet> _daemonSets;
    private readonly IRuntimeClassProbe _runtimeClasses;
    private readonly OperatorSettings _settings;
    private readonly ILogger _logger;

    /// <summary>Creates the reconciler.</summary>
    public DevicePluginReconciler(
        IKubernetes client,
        IInformer<GpuNode> gpuNodes,
        IInformer<V1DaemonSet> daemonSets,
        IRuntimeClassProbe runtimeClasses,
        OperatorSettings settings,
        ILogger<DevicePluginReconciler> logger)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _gpuNodes = (gpuNodes ?? throw new ArgumentNullException(nameof(gpuNodes))).Cache;
        _daemonSets = (daemonSets ?? throw new ArgumentNullException(nameof(daemonSets))).Cache;
        _runtimeClasses = runtimeClasses ?? throw new ArgumentNullException(nameof(runtimeClasses));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The one key this controller reconciles: the DaemonSet's namespace and name.</summary>
    public static ObjectKey Key(OperatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ObjectKey(settings.DevicePluginNamespace, ChildNames.DevicePlugin);
    }

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        if (key != Key(_settings))
        {
            // Another DaemonSet that carries the operator's label: not ours to shape.
            return ReconcileResult.Success();
        }

        // Read the cached GpuNodes in place: this looks at all of them.
        var wanting = _gpuNodes.ListShared(g => g.Metadata.DeletionTimestamp is null && g.Spec?.DevicePlugin?.Enabled != false);
        var ns = _settings.DevicePluginNamespace;
        var live = _daemonSets.GetShared(key);
        if (wanting.Count == 0)
        {
            if (live is not null && ChildApplier.IsOurs(live, owner: null))
            {
                try
                {
                    await _client.AppsV1.DeleteNamespacedDaemonSetAsync(ChildNames.DevicePlugin, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                    Log.Removed(_logger, ns);
                }
                catch (Exception ex) when (ApiErrors.IsNotFound(ex))
                {
                }
            }

            return ReconcileResult.Success();
        }

        var first = wanting.MinBy(g => g.Metadata.Name, StringComparer.Ordinal)!.Spec;
        var image = string.IsNullOrWhiteSpace(first.DevicePlugin?.Image) ? DevicePluginSpec.DefaultImage : first.DevicePlugin.Image;
        var runtimeClass = GpuRuntime.Resolve(first.RuntimeClassName, _settings.GpuRuntimeClass,
            GpuRuntime.NeedsLookup(first.RuntimeClassName, _settings.GpuRuntimeClass)
            && await _runtimeClasses.ExistsAsync(GpuRuntime.NvidiaRuntimeClass, cancellationToken).ConfigureAwait(false));

        ChildApplyResult<V1DaemonSet> result;
        try
        {
            result = await Apply(DevicePluginBuilder.Build(ns, image, runtimeClass), live, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (live is null && ApiErrors.IsNotFound(ex))
        {
            // The namespace does not exist yet: make it, then try once more (a failure retries the reconcile).
            await CreateNamespaceAsync(ns, cancellationToken).ConfigureAwait(false);
            result = await Apply(DevicePluginBuilder.Build(ns, image, runtimeClass), null, cancellationToken).ConfigureAwait(false);
        }

        if (result.Outcome != ChildApplyOutcome.Unchanged)
        {
            Log.Written(_logger, result.Outcome.ToString(), ns, image, runtimeClass ?? "(default)");
        }

        return ReconcileResult.Success();
    }

    private Task<ChildApplyResult<V1DaemonSet>> Apply(V1DaemonSet desired, V1DaemonSet? cached, CancellationToken cancellationToken) =>
        ChildApplier.ApplyAsync(_client, ChildKinds.DaemonSet, desired, owner: null, cached, readFromApi: false, ChildApplyMode.CreateOrUpdate, cancellationToken);

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
        [LoggerMessage(1, LogLevel.Information, "{Outcome} the device plugin DaemonSet in {Namespace}: image {Image}, runtime class {RuntimeClass}")]
        public static partial void Written(ILogger logger, string outcome, string @namespace, string image, string runtimeClass);

        [LoggerMessage(2, LogLevel.Information, "Removed the device plugin DaemonSet from {Namespace}: no GpuNode wants it")]
        public static partial void Removed(ILogger logger, string @namespace);
    }
}
