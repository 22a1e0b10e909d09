using k8s;

namespace Daalu.Runtime.Informers;

/// <summary>An open watch response; disposing it closes the connection.</summary>
/// <typeparam name="T">The kind.</typeparam>
public interface IWatchStream<T> : IDisposable
{
    /// <summary>The events; server <c>Status</c> errors (410 Expired) go to <paramref name="onError"/>.</summary>
    IAsyncEnumerable<(WatchEventType Type, T Object)> ReadAsync(Action<Exception> onError, CancellationToken cancellationToken);
}
