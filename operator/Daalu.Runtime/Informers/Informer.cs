using System.Runtime.ExceptionServices;
using Daalu.Runtime.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daalu.Runtime.Informers;

/// <summary>
/// Keeps a cache of one kind current: a paged list, then a watch from the list's resourceVersion with bookmarks.
/// A closed stream is reopened from the last resourceVersion; 410 Expired (an HTTP status or a <c>Status</c> event)
/// re-lists and diffs, synthesizing deletes for objects that vanished meanwhile; a watchdog reopens a stream that
/// delivers nothing (not even a bookmark) for <see cref="InformerOptions.StallTimeout"/>.
/// </summary>
/// <remarks>
/// Read-your-writes: objects the operator's own writes returned (<see cref="ReadYourWrites"/> hands them over) are
/// served by <see cref="Cache"/> in place of older cached ones until the watch delivers their resourceVersion or a
/// later one, so a reconcile that runs before that does not write the same thing again. See the store for the rules.
/// </remarks>
/// <typeparam name="T">The kind.</typeparam>
public sealed partial class Informer<T> : IInformer<T>, IWrittenObjectSink
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IListWatch<T> _listWatch;
    private readonly InformerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OperatorMetrics? _metrics;
    private readonly ResourceCache<T> _cache;
    private readonly Action<T>? _transform;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _handlersGate = new();
    private Action<ResourceEvent<T>>[] _handlers = [];
    private int _watchRestarts;
    private int _stalledRestarts;
    private int _relists;
    private long _lastContactTicks;

    /// <summary>Creates the informer; call <see cref="RunAsync"/> to start it.</summary>
    /// <param name="listWatch">Lists and watches the kind.</param>
    /// <param name="options">Timing and paging.</param>
    /// <param name="time">Clock.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="metrics">Metrics.</param>
    /// <param name="transform">
    /// Trims each listed or watched object before it is cached and handed to subscribers (e.g. drops fields no reader
    /// uses, to save memory); it must leave the metadata that keys and events rely on.
    /// </param>
    public Informer(IListWatch<T> listWatch, InformerOptions? options = null, TimeProvider? time = null, ILogger? logger = null, OperatorMetrics? metrics = null,
        Action<T>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(listWatch);
        _listWatch = listWatch;
        _transform = transform;
        _options = options ?? new InformerOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
        _cache = new ResourceCache<T>(_time, _options.ReadYourWritesTtl, _options.ReadYourWritesLimit);
        Touch();
    }

    /// <inheritdoc />
    public string Kind => _listWatch.Kind;

    /// <inheritdoc />
    public IResourceCache<T> Cache => _cache;

    /// <inheritdoc />
    public bool HasSynced => _ready.Task.IsCompletedSuccessfully;

    /// <inheritdoc />
    public int WatchRestarts => Volatile.Read(ref _watchRestarts);

    /// <inheritdoc />
    public int StalledRestarts => Volatile.Read(ref _stalledRestarts);

    /// <inheritdoc />
    public int Relists => Volatile.Read(ref _relists);

    /// <inheritdoc />
    public DateTimeOffset LastContactAt => new(Interlocked.Read(ref _lastContactTicks), TimeSpan.Zero);

    /// <inheritdoc />
    public Task ReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <inheritdoc />
    ResourceInfo IWrittenObjectSink.Resource => ResourceInfo.Of<T>();

    /// <inheritdoc />
    void IWrittenObjectSink.Written(byte[] json)
    {
        using var stream = new MemoryStream(json, writable: false);
        var item = KubernetesJson.Deserialize<T>(stream);
        if (item?.Metadata?.Name is not null && (string.IsNullOrEmpty(item.Kind) || item.Kind == ResourceInfo.Of<T>().Kind))
        {
            RecordWrite(item);
        }
    }

    /// <inheritdoc />
    void IWrittenObjectSink.Deleted(ObjectKey key) => _cache.Forget(key);

    /// <summary>
    /// Serves <paramref name="written"/>, an object a write returned, from <see cref="Cache"/> until the watch delivers
    /// its resourceVersion or a later one (only when the list and watch would include it at all).
    /// </summary>
    internal void RecordWrite(T written)
    {
        ArgumentNullException.ThrowIfNull(written);
        if (_listWatch.Includes(written))
        {
            Trim(written);
            _cache.RecordWrite(written);
        }
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<ResourceEvent<T>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_handlersGate)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Subscription(this, handler);
    }

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var relist = true;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (relist)
                {
                    resourceVersion = await ListAndReplaceAsync(cancellationToken).ConfigureAwait(false);
                    relist = false;
                    failures = 0;
                }

                var (outcome, lastVersion, sawEvents) = await WatchOnceAsync(resourceVersion!, cancellationToken).ConfigureAwait(false);
                resourceVersion = lastVersion;
                if (outcome == WatchOutcome.Stalled)
                {
                    Interlocked.Increment(ref _stalledRestarts);
                    CountRestart("stalled");
                    Log.WatchStalled(_logger, Kind, _options.StallTimeout.TotalSeconds);
                }
                else
                {
                    CountRestart("closed");
                    Log.WatchClosed(_logger, Kind, resourceVersion);
                }

                // A stream that ends at once without events would otherwise spin; back off until one delivers.
                failures = sawEvents ? 0 : failures + 1;
                if (failures > 0)
                {
                    await Task.Delay(RetryDelay(failures), _time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ApiErrors.IsExpired(ex) || ex is WatchErrorEventException)
            {
                relist = true;
                CountRestart("expired");
                Log.WatchExpired(_logger, Kind, resourceVersion);
            }
            catch (Exception ex)
            {
                failures++;
                if (!relist)
                {
                    CountRestart("error");
                }

                Log.ListWatchFailed(_logger, Kind, relist ? "list" : "watch", ex.GetType().Name, ApiErrors.StatusCode(ex), ex.Message);
                try
                {
                    await Task.Delay(RetryDelay(failures), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private TimeSpan RetryDelay(int failures) =>
        Queue.Backoff.Compute(Math.Max(0, failures - 1), _options.RetryDelay, _options.MaxRetryDelay, 0, 0);

    private void CountRestart(string reason)
    {
        Interlocked.Increment(ref _watchRestarts);
        _metrics?.WatchRestarts.WithLabels(Kind, reason).Inc();
    }

    private void Touch() => Interlocked.Exchange(ref _lastContactTicks, _time.GetUtcNow().UtcTicks);

    private async Task<string> ListAndReplaceAsync(CancellationToken cancellationToken)
    {
        var items = new Dictionary<ObjectKey, T>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var page = await _listWatch.ListAsync(continueToken, _options.PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                Trim(item);
                items[ObjectKey.Of(item)] = item;
            }

            resourceVersion = page.ResourceVersion;
            continueToken = page.Continue;
        }
        while (!string.IsNullOrEmpty(continueToken));

        Touch();
        var wasSynced = HasSynced;
        var previous = _cache.Replace(items, resourceVersion);
        foreach (var (key, item) in items)
        {
            if (!previous.TryGetValue(key, out var old))
            {
                Notify(new ResourceEvent<T>(ResourceEventType.Added, item));
            }
            else if (old.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
            {
                Notify(new ResourceEvent<T>(ResourceEventType.Modified, item, old));
            }
        }

        // Objects deleted while the watch was down never produce a watch event; the diff is the only way to see them.
        foreach (var (key, old) in previous)
        {
            if (!items.ContainsKey(key))
            {
                Notify(new ResourceEvent<T>(ResourceEventType.Deleted, old, Synthesized: true));
            }
        }

        if (wasSynced)
        {
            Interlocked.Increment(ref _relists);
        }

        _metrics?.InformerSynced.WithLabels(Kind).Set(1);
        _ready.TrySetResult();
        Log.Listed(_logger, Kind, items.Count, resourceVersion);
        return resourceVersion;
    }

    private async Task<(WatchOutcome Outcome, string ResourceVersion, bool SawEvents)> WatchOnceAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        using var watchdog = new CancellationTokenSource(_options.StallTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watchdog.Token);
        var sawEvents = false;
        IWatchStream<T>? stream = null;
        try
        {
            var timeoutSeconds = _options.WatchTimeout is { } timeout ? (int?)Math.Max(1, (int)timeout.TotalSeconds) : null;
            stream = await _listWatch.WatchAsync(resourceVersion, timeoutSeconds, linked.Token).ConfigureAwait(false);
            Touch();
            watchdog.CancelAfter(_options.StallTimeout);

            // Closing the response is what reliably unblocks a read that is waiting on a silent connection.
            var opened = stream;
            using var closeOnCancel = linked.Token.Register(() => opened.Dispose());
            await foreach (var (type, item) in stream.ReadAsync(static ex => ExceptionDispatchInfo.Throw(ex), linked.Token).ConfigureAwait(false))
            {
                watchdog.CancelAfter(_options.StallTimeout);
                Touch();
                sawEvents = true;
                resourceVersion = Apply(type, item) ?? resourceVersion;
            }

            return (WatchOutcome.Closed, resourceVersion, sawEvents);
        }
        catch (Exception ex) when (watchdog.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !ApiErrors.IsExpired(ex))
        {
            return (WatchOutcome.Stalled, resourceVersion, sawEvents);
        }
        finally
        {
            stream?.Dispose();
        }
    }

    private string? Apply(WatchEventType type, T item)
    {
        if (type == WatchEventType.Error)
        {
            throw new WatchErrorEventException(Kind);
        }

        var version = item?.Metadata?.ResourceVersion;
        if (type == WatchEventType.Bookmark || item?.Metadata?.Name is null)
        {
            _cache.Saw(version);
            return version;
        }

        Trim(item);
        var key = ObjectKey.Of(item);
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                var old = _cache.Peek(key);
                _cache.Upsert(key, item);
                Notify(old is null
                    ? new ResourceEvent<T>(ResourceEventType.Added, item)
                    : new ResourceEvent<T>(ResourceEventType.Modified, item, old));
                break;
            case WatchEventType.Deleted:
                var removed = _cache.Remove(key, version);
                Notify(new ResourceEvent<T>(ResourceEventType.Deleted, removed ?? item));
                break;
        }

        return version;
    }

    private void Trim(T item)
    {
        if (!_options.KeepManagedFields)
        {
            item.Metadata.ManagedFields = null;
        }

        _transform?.Invoke(item);
    }

    private void Notify(ResourceEvent<T> change)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler(change);
            }
            catch (Exception ex)
            {
                // A faulty handler must not stop the informer or starve the other handlers.
                Log.HandlerFailed(_logger, Kind, ex.GetType().Name, ex.Message);
            }
        }
    }

    private void Unsubscribe(Action<ResourceEvent<T>> handler)
    {
        lock (_handlersGate)
        {
            _handlers = [.. _handlers.Where(h => h != handler)];
        }
    }

    private enum WatchOutcome
    {
        Closed,
        Stalled,
    }

    private sealed class Subscription(Informer<T> informer, Action<ResourceEvent<T>> handler) : IDisposable
    {
        public void Dispose() => informer.Unsubscribe(handler);
    }
}
