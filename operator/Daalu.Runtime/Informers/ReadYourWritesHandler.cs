using System.Text.Json;

namespace Daalu.Runtime.Informers;

/// <summary>
/// Passes the result of every successful write to a resource some informer caches on to that informer
/// (<see cref="ReadYourWrites"/>). Reads, watches and writes to other resources (Events, Leases) pass untouched.
/// </summary>
internal sealed class ReadYourWritesHandler(ReadYourWrites registry) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var method = request.Method;
        if (!response.IsSuccessStatusCode
            || !(method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch || method == HttpMethod.Delete)
            || request.RequestUri is null
            || !ApiPath.TryParse(request.RequestUri.AbsolutePath, out var path)
            || path.Subresource is not (null or "status")
            || registry.Find(path.Group, path.Plural) is not { } sinks)
        {
            return response;
        }

        try
        {
            if (method == HttpMethod.Delete)
            {
                if (path.Name is not null)
                {
                    foreach (var sink in sinks)
                    {
                        sink.Deleted(new ObjectKey(path.Namespace, path.Name));
                    }
                }
            }
            else
            {
                // Buffered, so the client deserializes the same bytes afterwards.
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                foreach (var sink in sinks)
                {
                    sink.Written(body);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or HttpRequestException or IOException)
        {
            // The write itself succeeded; without its result the cache is only as fresh as the watch, as before.
        }

        return response;
    }
}
