using System.Net;
using k8s.Autorest;

namespace Daalu.Runtime;

/// <summary>Classifies errors from the Kubernetes API (HTTP status or a watch <c>Status</c> object).</summary>
public static class ApiErrors
{
    /// <summary>The HTTP status code carried by <paramref name="exception"/>, if any.</summary>
    public static int? StatusCode(Exception? exception) => exception switch
    {
        HttpOperationException http when http.Response is not null => (int)http.Response.StatusCode,
        k8s.KubernetesException kube when kube.Status?.Code is int code => code,
        _ when exception?.InnerException is not null => StatusCode(exception.InnerException),
        _ => null,
    };

    /// <summary>410 Gone / Expired: the resourceVersion is too old; re-list.</summary>
    public static bool IsExpired(Exception? exception) =>
        StatusCode(exception) == (int)HttpStatusCode.Gone
        || (exception is k8s.KubernetesException kube && kube.Status?.Reason is "Expired" or "Gone");

    /// <summary>409 Conflict: stale resourceVersion or already exists; re-read and retry.</summary>
    public static bool IsConflict(Exception? exception) => StatusCode(exception) == (int)HttpStatusCode.Conflict;

    /// <summary>404 Not Found.</summary>
    public static bool IsNotFound(Exception? exception) => StatusCode(exception) == (int)HttpStatusCode.NotFound;
}
