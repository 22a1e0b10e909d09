namespace Daalu.Operator.Tests.Support;

/// <summary>
/// Sends requests for in-cluster Service hosts (e.g. ms-coder.team-a.svc:8000) to a local test double, as cluster DNS
/// and kube-proxy would route them to the pod. Hosts without a route fail to connect, like an unresolvable name.
/// </summary>
internal sealed class RedirectingHandler() : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
{
    private readonly Dictionary<string, Uri> _routes = new(StringComparer.OrdinalIgnoreCase);

    public void Route(string authority, string baseUrl)
    {
        lock (_routes)
        {
            _routes[authority] = new Uri(baseUrl);
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Uri? target;
        lock (_routes)
        {
            _routes.TryGetValue(request.RequestUri!.Authority, out target);
        }

        if (target is not null)
        {
            request.RequestUri = new UriBuilder(request.RequestUri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        }
        else if (request.RequestUri.Host.EndsWith(".svc", StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"no route for {request.RequestUri.Authority}");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
