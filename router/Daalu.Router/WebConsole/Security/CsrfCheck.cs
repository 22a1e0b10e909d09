using System.Security.Cryptography;
using System.Text;

namespace Daalu.Router.WebConsole.Security;

/// <summary>
/// Cross-site request forgery defences for every console POST, as pure functions. Two independent checks (OWASP CSRF
/// cheat sheet: "verifying origin with standard headers" and the "synchronizer token pattern"): the request's Origin
/// (or, without one, its Referer) must name this host, and a logged-in POST must echo the session's token. The
/// session cookie is also SameSite=Strict, so a browser does not send it on cross-site requests at all.
/// </summary>
internal static class CsrfCheck
{
    /// <summary>
    /// True when Origin (or Referer when Origin is absent) has the same host and port as <paramref name="host"/>.
    /// The scheme is not compared: behind a TLS-terminating proxy the router sees http while the browser says https.
    /// Neither header = refused (every current browser sends Origin on POST).
    /// </summary>
    public static bool SameOrigin(string? origin, string? referer, string host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        var source = !string.IsNullOrEmpty(origin) && origin != "null" ? origin : referer;
        return !string.IsNullOrEmpty(source)
            && Uri.TryCreate(source, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.Equals(uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}", NormalizeHost(host, uri.Scheme), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Constant-time comparison of the echoed token with the session's.</summary>
    public static bool TokenMatches(string? sent, string expected) =>
        !string.IsNullOrEmpty(sent) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(expected));

    private static string NormalizeHost(string host, string scheme)
    {
        var defaultPort = scheme == Uri.UriSchemeHttps ? ":443" : ":80";
        return host.EndsWith(defaultPort, StringComparison.Ordinal) ? host[..^defaultPort.Length] : host;
    }
}
