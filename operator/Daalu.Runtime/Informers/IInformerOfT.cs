namespace Daalu.Runtime.Informers;

/// <summary>An informer for one kind: a cache kept current by list+watch, and change notifications.</summary>
/// <typeparam name="T">The kind.</typeparam>
public interface IInformer<T> : IInformer
{
    /// <summary>The cache (copies on every read).</summary>
    IResourceCache<T> Cache { get; }

    /// <summary>Calls <paramref name="handler"/> on every change, after the cache was updated. Dispose to unsubscribe.</summary>
    IDisposable Subscribe(Action<ResourceEvent<T>> handler);
}
