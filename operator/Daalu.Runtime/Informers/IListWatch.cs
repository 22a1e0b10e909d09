namespace Daalu.Runtime.Informers;

/// <summary>How an informer lists and watches one kind.</summary>
/// <typeparam name="T">The kind.</typeparam>
public interface IListWatch<T>
{
    /// <summary>The kind's name, used in metrics and logs (e.g. <c>GpuNode</c>).</summary>
    string Kind { get; }

    /// <summary>Lists one page.</summary>
    Task<ResourcePage<T>> ListAsync(string? continueToken, int? limit, CancellationToken cancellationToken);

    /// <summary>Opens a watch from <paramref name="resourceVersion"/> with bookmarks; returns once the server answered.</summary>
    Task<IWatchStream<T>> WatchAsync(string resourceVersion, int? timeoutSeconds, CancellationToken cancellationToken);
}
