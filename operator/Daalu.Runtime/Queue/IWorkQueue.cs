namespace Daalu.Runtime.Queue;

/// <summary>
/// client-go's rate-limited work queue: an item is queued at most once however often it is added, is never handed
/// to two workers at once (an add while it is processing runs it again after <see cref="Done"/>), and can be
/// re-added after a delay or after a per-item backoff.
/// </summary>
/// <typeparam name="T">The item type, usually <see cref="ObjectKey"/>.</typeparam>
public interface IWorkQueue<T> : IDisposable
    where T : notnull
{
    /// <summary>Items waiting to be handed out (not counting ones processing or delayed).</summary>
    int Count { get; }

    /// <summary>True after <see cref="ShutDown"/>.</summary>
    bool ShuttingDown { get; }

    /// <summary>Queues <paramref name="item"/> unless it is already queued.</summary>
    void Add(T item);

    /// <summary>Queues <paramref name="item"/> after <paramref name="delay"/>; an earlier pending delay wins.</summary>
    void AddAfter(T item, TimeSpan delay);

    /// <summary>Queues <paramref name="item"/> after its next backoff delay.</summary>
    void AddRateLimited(T item);

    /// <summary>Clears the backoff of <paramref name="item"/>; call after it succeeded.</summary>
    void Forget(T item);

    /// <summary>Failures of <paramref name="item"/> since it was last forgotten.</summary>
    int NumRequeues(T item);

    /// <summary>Waits for the next item; <c>Shutdown</c> is true when the queue is shut down and drained.</summary>
    ValueTask<(T Item, bool Shutdown)> GetAsync(CancellationToken cancellationToken);

    /// <summary>Marks <paramref name="item"/> finished; if it was added meanwhile it is queued again now.</summary>
    void Done(T item);

    /// <summary>Stops accepting items and wakes every waiting worker.</summary>
    void ShutDown();
}
