namespace Daalu.Runtime.Queue;

/// <summary>The in-memory <see cref="IWorkQueue{T}"/> (a port of client-go's workqueue semantics).</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class WorkQueue<T> : IWorkQueue<T>
    where T : notnull
{
    private readonly Lock _gate = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly HashSet<T> _processing = [];
    private readonly Dictionary<T, (DateTimeOffset ReadyAt, ITimer Timer)> _waiting = [];
    private readonly SemaphoreSlim _available = new(0);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly IRateLimiter<T> _rateLimiter;
    private readonly TimeProvider _time;
    private readonly Action<int>? _depthChanged;

    /// <summary>Creates a queue.</summary>
    /// <param name="rateLimiter">Backoff per item.</param>
    /// <param name="time">Clock and timers for delayed adds.</param>
    /// <param name="depthChanged">Told the queue depth after every change (metrics).</param>
    public WorkQueue(IRateLimiter<T> rateLimiter, TimeProvider time, Action<int>? depthChanged = null)
    {
        ArgumentNullException.ThrowIfNull(rateLimiter);
        ArgumentNullException.ThrowIfNull(time);
        _rateLimiter = rateLimiter;
        _time = time;
        _depthChanged = depthChanged;
    }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <inheritdoc />
    public bool ShuttingDown => _shutdown.IsCancellationRequested;

    /// <inheritdoc />
    public void Add(T item)
    {
        int depth;
        lock (_gate)
        {
            if (ShuttingDown || !_dirty.Add(item))
            {
                return;
            }

            // A processing item stays out of the queue until Done, so one key never runs on two workers.
            if (_processing.Contains(item))
            {
                return;
            }

            _queue.Enqueue(item);
            depth = _queue.Count;
        }

        _available.Release();
        _depthChanged?.Invoke(depth);
    }

    /// <inheritdoc />
    public void AddAfter(T item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }

        lock (_gate)
        {
            if (ShuttingDown)
            {
                return;
            }

            var readyAt = _time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(item, out var existing))
            {
                if (existing.ReadyAt <= readyAt)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            ITimer? timer = null;
            timer = CreateTimerWithoutContext(_ => Fire(item, timer), delay);
            _waiting[item] = (readyAt, timer);
        }
    }

    // A timer captures the caller's execution context unless its flow is suppressed: a requeue from a reconcile would
    // keep that reconcile's async locals (its trace activity, its logging scopes) alive until the timer fires, one set
    // per waiting item. Firing only adds the item; it needs none of them.
    private ITimer CreateTimerWithoutContext(TimerCallback fire, TimeSpan delay)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return _time.CreateTimer(fire, null, delay, Timeout.InfiniteTimeSpan);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return _time.CreateTimer(fire, null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire(T item, ITimer? timer)
    {
        lock (_gate)
        {
            // Only the timer still registered for the item may add it; a replaced timer is stale.
            if (!_waiting.TryGetValue(item, out var entry) || !ReferenceEquals(entry.Timer, timer))
            {
                return;
            }

            _waiting.Remove(item);
            entry.Timer.Dispose();
        }

        Add(item);
    }

    /// <inheritdoc />
    public void AddRateLimited(T item) => AddAfter(item, _rateLimiter.When(item));

    /// <inheritdoc />
    public void Forget(T item) => _rateLimiter.Forget(item);

    /// <inheritdoc />
    public int NumRequeues(T item) => _rateLimiter.NumRequeues(item);

    /// <inheritdoc />
    public async ValueTask<(T Item, bool Shutdown)> GetAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        var acquired = false;
        try
        {
            await _available.WaitAsync(linked.Token).ConfigureAwait(false);
            acquired = true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Shut down: hand out what is left, then report shutdown.
        }

        if (cancellationToken.IsCancellationRequested)
        {
            // Give the permit back so the queued item is not stranded without one.
            if (acquired)
            {
                _available.Release();
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        T item;
        int depth;
        lock (_gate)
        {
            if (!_queue.TryDequeue(out item!))
            {
                return (default!, true);
            }

            _processing.Add(item);
            _dirty.Remove(item);
            depth = _queue.Count;
        }

        _depthChanged?.Invoke(depth);
        return (item, false);
    }

    /// <inheritdoc />
    public void Done(T item)
    {
        var requeued = false;
        int depth;
        lock (_gate)
        {
            _processing.Remove(item);
            if (_dirty.Contains(item))
            {
                _queue.Enqueue(item);
                requeued = true;
            }

            depth = _queue.Count;
        }

        if (requeued)
        {
            _available.Release();
            _depthChanged?.Invoke(depth);
        }
    }

    /// <inheritdoc />
    public void ShutDown()
    {
        lock (_gate)
        {
            foreach (var (_, timer) in _waiting.Values)
            {
                timer.Dispose();
            }

            _waiting.Clear();
        }

        _shutdown.Cancel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ShutDown();
        _shutdown.Dispose();
        _available.Dispose();
    }
}
