using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Daalu.Runtime.Informers;

/// <summary>
/// <see cref="IListWatch{T}"/> over one generated KubernetesClient list method
/// (e.g. <c>CoreV1.ListNodeWithHttpMessagesAsync</c> or <c>CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync&lt;TList&gt;</c>).
/// </summary>
/// <typeparam name="T">The kind.</typeparam>
/// <typeparam name="TList">The kind's list type.</typeparam>
public sealed class ListWatch<T, TList> : IListWatch<T>
    where T : IKubernetesObject<V1ObjectMeta>
    where TList : IKubernetesObject<V1ListMeta>, IItems<T>
{
    private readonly Func<ListRequest, CancellationToken, Task<HttpOperationResponse<TList>>> _list;
    private readonly string? _labelSelector;

    /// <summary>Creates the list-watch.</summary>
    /// <param name="kind">The kind's name for metrics and logs.</param>
    /// <param name="list">Calls the list endpoint with the request's parameters.</param>
    /// <param name="labelSelector">Restricts the informer to matching objects.</param>
    public ListWatch(string kind, Func<ListRequest, CancellationToken, Task<HttpOperationResponse<TList>>> list, string? labelSelector = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(list);
        Kind = kind;
        _list = list;
        _labelSelector = labelSelector;
    }

    /// <inheritdoc />
    public string Kind { get; }

    /// <inheritdoc />
    public async Task<ResourcePage<T>> ListAsync(string? continueToken, int? limit, CancellationToken cancellationToken)
    {
        using var response = await _list(new ListRequest(false, null, continueToken, limit, _labelSelector, null), cancellationToken)
            .ConfigureAwait(false);
        var body = response.Body ?? throw new InvalidOperationException($"list of {Kind} returned no body");
        var items = body.Items?.Where(item => item?.Metadata?.Name is not null).ToList() ?? [];
        var resourceVersion = body.Metadata?.ResourceVersion
            ?? throw new InvalidOperationException($"list of {Kind} returned no resourceVersion");
        return new ResourcePage<T>(items, resourceVersion, body.Metadata?.ContinueProperty);
    }

    /// <inheritdoc />
    public async Task<IWatchStream<T>> WatchAsync(string resourceVersion, int? timeoutSeconds, CancellationToken cancellationToken)
    {
        var response = await _list(new ListRequest(true, resourceVersion, null, null, _labelSelector, timeoutSeconds), cancellationToken)
            .ConfigureAwait(false);
        return new Stream(response);
    }

    private sealed class Stream(HttpOperationResponse<TList> response) : IWatchStream<T>
    {
        public IAsyncEnumerable<(WatchEventType Type, T Object)> ReadAsync(Action<Exception> onError, CancellationToken cancellationToken) =>
#pragma warning disable CS0618 // The replacement takes no already-opened response; we open it first to observe connection success.
            Task.FromResult(response).WatchAsync<T, TList>(onError, cancellationToken);
#pragma warning restore CS0618

        public void Dispose() => response.Dispose();
    }
}
