using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Informers;
using Daalu.Runtime.Queue;
using Daalu.Runtime.Resources;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Daalu.Runtime.Controllers;

/// <summary>
/// Wires informers to a controller's queue: the primary kind maps to its own key, owned kinds to their controller
/// owner's key, and any other kind through a custom mapper (e.g. a Node to the GpuNode that names it).
/// </summary>
/// <typeparam name="T">The primary kind.</typeparam>
public sealed class ControllerBuilder<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IInformer<T> _primary;
    private readonly List<IInformer> _informers = [];
    private readonly List<Action<IWorkQueue<ObjectKey>>> _subscriptions = [];
    private readonly ResourceInfo _info = ResourceInfo.Of<T>();

    /// <summary>Starts a controller for the primary kind watched by <paramref name="primary"/>.</summary>
    public ControllerBuilder(IInformer<T> primary)
    {
        ArgumentNullException.ThrowIfNull(primary);
        _primary = primary;
        _informers.Add(primary);
        _subscriptions.Add(queue => primary.Subscribe(change => queue.Add(ObjectKey.Of(change.Resource))));
    }

    /// <summary>Options; change before <see cref="Build"/>.</summary>
    public ControllerOptions Options { get; } = new();

    /// <summary>Reconciles the owner when a child it controls changes (controller owner reference of the primary kind).</summary>
    public ControllerBuilder<T> Owns<TChild>(IInformer<TChild> children)
        where TChild : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(children);
        return Watches(children, child => OwnerReferences.ControllerKey(child, _info) is { } key ? [key] : []);
    }

    /// <summary>Reconciles the keys <paramref name="map"/> returns whenever an object of another kind changes.</summary>
    public ControllerBuilder<T> Watches<TOther>(IInformer<TOther> informer, Func<TOther, IEnumerable<ObjectKey>> map)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(informer);
        ArgumentNullException.ThrowIfNull(map);
        if (!_informers.Contains(informer))
        {
            _informers.Add(informer);
        }

        _subscriptions.Add(queue => informer.Subscribe(change =>
        {
            foreach (var key in map(change.Resource))
            {
                queue.Add(key);
            }

            // A change can move an object from one owner to another; the old one must look too.
            if (change.Old is not null)
            {
                foreach (var key in map(change.Old))
                {
                    queue.Add(key);
                }
            }
        }));
        return this;
    }

    /// <summary>Creates the controller and subscribes its queue to every informer.</summary>
    public Controller Build(IReconciler reconciler, TimeProvider? time = null, Random? random = null, OperatorMetrics? metrics = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        time ??= TimeProvider.System;
        var kind = _info.Kind;
        var queue = new WorkQueue<ObjectKey>(
            new ExponentialBackoffRateLimiter<ObjectKey>(Options.Backoff, random ?? Random.Shared),
            time,
            metrics is null ? null : depth => metrics.QueueDepth.WithLabels(kind).Set(depth));
        foreach (var subscribe in _subscriptions)
        {
            subscribe(queue);
        }

        return new Controller(kind, reconciler, queue, [.. _informers], Options, _primary.Cache.Keys, metrics, logger, time);
    }
}
