using System.Diagnostics;
using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Informers;
using Daalu.Runtime.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daalu.Runtime.Controllers;

/// <summary>
/// The reconcile loop of one kind: N workers take keys from the queue, call <see cref="IReconciler"/>, and requeue
/// according to <see cref="QueueAction.For"/>. Workers start once every informer has synced.
/// </summary>
public sealed partial class Controller
{
    private readonly IReconciler _reconciler;
    private readonly IReadOnlyList<IInformer> _informers;
    private readonly ControllerOptions _options;
    private readonly OperatorMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<IEnumerable<ObjectKey>>? _resyncKeys;

    /// <summary>Creates a controller; see <see cref="ControllerBuilder{T}"/> for the usual way.</summary>
    public Controller(
        string kind,
        IReconciler reconciler,
        IWorkQueue<ObjectKey> queue,
        IReadOnlyList<IInformer> informers,
        ControllerOptions? options = null,
        Func<IEnumerable<ObjectKey>>? resyncKeys = null,
        OperatorMetrics? metrics = null,
        ILogger? logger = null,
        TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(informers);
        Kind = kind;
        _reconciler = reconciler;
        Queue = queue;
        _informers = informers;
        _options = options ?? new ControllerOptions();
        _resyncKeys = resyncKeys;
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The primary kind.</summary>
    public string Kind { get; }

    /// <summary>The controller's queue; enqueue keys here to have them reconciled.</summary>
    public IWorkQueue<ObjectKey> Queue { get; }

    /// <summary>Waits for the informers, then reconciles until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var informer in _informers)
        {
            await informer.ReadyAsync(cancellationToken).ConfigureAwait(false);
        }

        Log.Started(_logger, Kind, _options.Workers);
        var tasks = Enumerable.Range(0, Math.Max(1, _options.Workers)).Select(_ => WorkerAsync(cancellationToken)).ToList();
        if (_options.ResyncPeriod is { } period && _resyncKeys is not null)
        {
            tasks.Add(ResyncAsync(period, cancellationToken));
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        Log.Stopped(_logger, Kind);
    }

    private async Task WorkerAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ObjectKey key;
            try
            {
                (key, var shutdown) = await Queue.GetAsync(cancellationToken).ConfigureAwait(false);
                if (shutdown)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await ProcessAsync(key, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Queue.Done(key);
            }
        }
    }

    /// <summary>Reconciles one key and applies the resulting queue action.</summary>
    internal async Task ProcessAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        using var activity = OperatorTelemetry.Source.StartActivity($"reconcile {Kind}", ActivityKind.Internal);
        activity?.SetTag("k8s.kind", Kind);
        activity?.SetTag("k8s.namespace", key.Namespace);
        activity?.SetTag("k8s.name", key.Name);
        var started = _time.GetTimestamp();
        ReconcileResult? result = null;
        Exception? error = null;
        try
        {
            result = await _reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping (lost leadership or shutdown): the next leader reconciles this key from scratch.
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            return;
        }
        catch (Exception ex)
        {
            error = ex;
        }

        var elapsed = _time.GetElapsedTime(started);
        var action = QueueAction.For(result, error);
        _metrics?.ReconcileTotal.WithLabels(Kind, action.Result).Inc();
        _metrics?.ReconcileDuration.WithLabels(Kind).Observe(elapsed.TotalSeconds);
        activity?.SetTag("daalu.reconcile.result", action.Result);

        if (error is not null)
        {
            // Type, status code and message only: exception objects from the client can carry request details.
            activity?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            Log.ReconcileThrew(_logger, Kind, key.ToString(), error.GetType().Name, ApiErrors.StatusCode(error), error.Message, Queue.NumRequeues(key));
        }
        else if (result is { Succeeded: false })
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Error);
            if (result.Terminal)
            {
                Log.ReconcileTerminal(_logger, Kind, key.ToString(), result.Error);
            }
            else
            {
                Log.ReconcileFailed(_logger, Kind, key.ToString(), result.Error, Queue.NumRequeues(key));
            }
        }
        else
        {
            Log.Reconciled(_logger, Kind, key.ToString(), elapsed.TotalMilliseconds);
        }

        if (action.Forget)
        {
            Queue.Forget(key);
        }

        if (action.RateLimited)
        {
            Queue.AddRateLimited(key);
        }
        else if (action.RequeueAfter is { } after)
        {
            Queue.AddAfter(key, after);
        }
    }

    private async Task ResyncAsync(TimeSpan period, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var key in _resyncKeys!())
            {
                Queue.Add(key);
            }
        }
    }
}
