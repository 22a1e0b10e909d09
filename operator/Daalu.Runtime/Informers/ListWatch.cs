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
    private readonly string? _namespace;
    private readonly Dictionary<string, string>? _labels;

    /// <summary>Creates the list-watch.</summary>
    /// <param name="kind">The kind's name for metrics and logs.</param>
    /// <param name="list">Calls the list endpoint with the request's parameters.</param>
    /// <param name="labelSelector">Restricts the informer to matching objects.</param>
    /// <param name="namespace">The one namespace <paramref name="list"/> lists, or null for all (or a cluster-scoped kind).</param>
    public ListWatch(string kind, Func<ListRequest, CancellationToken, Task<HttpOperationResponse<TList>>> list, string? labelSelector = null, string? @namespace = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(list);
        Kind = kind;
        _list = list;
        _labelSelector = labelSelector;
        _namespace = @namespace;
        _labels = EqualityLabels(labelSelector);
    }

    /// <inheritdoc />
    public string Kind { get; }

    /// <inheritdoc />
    /// <remarks>Only equality selectors (<c>a=b,c==d</c>) are understood; with any other selector nothing is included.</remarks>
    public bool Includes(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_labels is null || (_namespace is not null && item.Metadata?.NamespaceProperty != _namespace))
        {
            return false;
        }

        return LabelMatch.Matches(item.Metadata?.Labels, _labels);
    }

    // The pairs of an equality-only selector; empty for none; null for one with any other operator (!=, in, exists).
    private static Dictionary<string, string>? EqualityLabels(string? selector)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var requirement in (selector ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = requirement.Replace("==", "=", StringComparison.Ordinal).Split('=');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[0].EndsWith('!') || parts[0].Contains(' ', StringComparison.Ordinal))
            {
                return null;
            }

            pairs[parts[0].Trim()] = parts[1].Trim();
        }

        return pairs;
    }

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
