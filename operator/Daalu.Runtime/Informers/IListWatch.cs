namespace Daalu.Runtime.Informers;

/// <summary>How an informer lists and watches one kind.</summary>
/// <typeparam name="T">The kind.</typeparam>
public interface IListWatch<T>
{
    /// <summary>The kind's name, used in metrics and logs (e.g. <c>GpuNode</c>).</summary>
    string Kind { get; }

    /// <summary>Lists one page.</summary>
    Task<ResourcePage<T>> ListAsync(string? continueToken, int? limit, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the list and watch would hold <paramref name="item"/> (its namespace and labels fit). Read-your-writes
    /// lays an object the operator wrote over the informer's cache only when this says so; the default, false, never does.
    /// </summary>
    bool Includes(T item) => false;

    /// <summary>Opens a watch from <paramref name="resourceVersion"/> with bookmarks; returns once the server answered.</summary>
    Task<IWatchStream<T>> WatchAsync(string resourceVersion, int? timeoutSeconds, CancellationToken cancellationToken);
}
