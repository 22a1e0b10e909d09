using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;
using Daalu.Operator.Gpu;
using Daalu.Runtime;
using Daalu.Runtime.Informers;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Controllers;

/// <summary>
/// The skeleton of a controller for a DaemonSet that every GpuNode shares (<see cref="DevicePluginReconciler"/>,
/// <see cref="DcgmExporterReconciler"/>): every GpuNode change maps to one fixed key (the DaemonSet's namespace and
/// name), and the work queue never runs a key twice at once, so exactly one worker writes the shared objects. They
/// exist while any live GpuNode asks for them (<see cref="Asks"/>); the first such GpuNode by name decides image and
/// RuntimeClass, so every reconcile picks the same one. A subclass says what to apply and what to remove.
/// </summary>
public abstract class FixedKeyDaemonSetReconciler : IReconciler
{
    private readonly IResourceCache<GpuNode> _gpuNodes;
    private readonly IResourceCache<V1DaemonSet> _daemonSets;
    private readonly IRuntimeClassProbe _runtimeClasses;
    private readonly string _name;

    /// <summary>Creates the reconciler of the DaemonSet <paramref name="name"/> in the device plugin's namespace.</summary>
    protected FixedKeyDaemonSetReconciler(
        IKubernetes client,
        IInformer<GpuNode> gpuNodes,
        IInformer<V1DaemonSet> daemonSets,
        IRuntimeClassProbe runtimeClasses,
        OperatorSettings settings,
        string name)
    {
        Client = client ?? throw new ArgumentNullException(nameof(client));
        _gpuNodes = (gpuNodes ?? throw new ArgumentNullException(nameof(gpuNodes))).Cache;
        _daemonSets = (daemonSets ?? throw new ArgumentNullException(nameof(daemonSets))).Cache;
        _runtimeClasses = runtimeClasses ?? throw new ArgumentNullException(nameof(runtimeClasses));
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _name = name;
    }

    /// <summary>The API client.</summary>
    protected IKubernetes Client { get; }

    /// <summary>Operator settings (the namespace, the GPU RuntimeClass).</summary>
    protected OperatorSettings Settings { get; }

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        if (key != KeyOf(Settings, _name))
        {
            // Another DaemonSet that carries the operator's label: not ours to shape.
            return ReconcileResult.Success();
        }

        // Read the cached GpuNodes in place: this looks at all of them.
        var wanting = _gpuNodes.ListShared(Asks);
        var live = _daemonSets.GetShared(key);
        if (wanting.Count == 0)
        {
            await RemoveAsync(key, live, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Success();
        }

        var first = wanting.MinBy(g => g.Metadata.Name, StringComparer.Ordinal)!.Spec;
        var runtimeClass = GpuRuntime.Resolve(first.RuntimeClassName, Settings.GpuRuntimeClass,
            GpuRuntime.NeedsLookup(first.RuntimeClassName, Settings.GpuRuntimeClass)
            && await _runtimeClasses.ExistsAsync(GpuRuntime.NvidiaRuntimeClass, cancellationToken).ConfigureAwait(false));
        await ApplyAsync(key, first, runtimeClass, live, wanting.Count, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Success();
    }

    /// <summary>The fixed key: the DaemonSet <paramref name="name"/> in the device plugin's namespace.</summary>
    protected static ObjectKey KeyOf(OperatorSettings settings, string name)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ObjectKey(settings.DevicePluginNamespace, name);
    }

    /// <summary>Whether <paramref name="gpuNode"/> asks for the shared objects (a deleted GpuNode asks for nothing).</summary>
    protected abstract bool Asks(GpuNode gpuNode);

    /// <summary>No GpuNode asks: remove what the operator owns (<see cref="DeleteIfOursAsync"/>).</summary>
    protected abstract Task RemoveAsync(ObjectKey key, V1DaemonSet? live, CancellationToken cancellationToken);

    /// <summary>Some GpuNodes ask: apply the objects <paramref name="decider"/> decides (<see cref="ApplyDaemonSetAsync"/>).</summary>
    protected abstract Task ApplyAsync(ObjectKey key, GpuNodeSpec decider, string? runtimeClass, V1DaemonSet? live, int wanting, CancellationToken cancellationToken);

    /// <summary>
    /// Creates or updates the DaemonSet <paramref name="build"/> makes (called again for the retry: an apply stamps what
    /// it is given). A first create that finds no namespace makes it, then tries once more (a failure retries the reconcile).
    /// </summary>
    protected async Task<ChildApplyResult<V1DaemonSet>> ApplyDaemonSetAsync(Func<V1DaemonSet> build, V1DaemonSet? live, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        try
        {
            return await ApplyOnce(build(), live, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (live is null && ApiErrors.IsNotFound(ex))
        {
            // The namespace does not exist yet: make it, then try once more (a failure retries the reconcile).
            await CreateNamespaceAsync(Settings.DevicePluginNamespace, cancellationToken).ConfigureAwait(false);
            return await ApplyOnce(build(), null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes <paramref name="live"/> when the operator owns it; true when this call removed it ("already gone" is not an error).</summary>
    protected async Task<bool> DeleteIfOursAsync(IKubernetesObject<V1ObjectMeta>? live, Func<IKubernetes, CancellationToken, Task> delete, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delete);
        if (live is null || !ChildApplier.IsOurs(live, owner: null))
        {
            return false;
        }

        try
        {
            await delete(Client, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
            return false;
        }
    }

    private Task<ChildApplyResult<V1DaemonSet>> ApplyOnce(V1DaemonSet desired, V1DaemonSet? cached, CancellationToken cancellationToken) =>
        ChildApplier.ApplyAsync(Client, ChildKinds.DaemonSet, desired, owner: null, cached, readFromApi: false, ChildApplyMode.CreateOrUpdate, cancellationToken);

    private async Task CreateNamespaceAsync(string ns, CancellationToken cancellationToken)
    {
        try
        {
            await Client.CoreV1.CreateNamespaceAsync(new V1Namespace
            {
                Metadata = new V1ObjectMeta { Name = ns, Labels = new Dictionary<string, string> { [WellKnown.ManagedByLabel] = WellKnown.ManagedByValue } },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiErrors.IsConflict(ex))
        {
        }
    }
}
