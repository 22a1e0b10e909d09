using System.Runtime.CompilerServices;

namespace Daalu.Router.Forwarding;

/// <summary>
/// The upstream request URIs, built once per backend (or provider) and endpoint path instead of a string concatenation
/// and a <see cref="Uri"/> parse per call. Keyed weakly on the configuration object that owns the base URL, so the
/// URIs of backends a reload replaced go with them; a base URL changed in place is noticed and rebuilt.
/// </summary>
internal static class UpstreamUris
{
    private static readonly ConditionalWeakTable<object, PerOwner> Cache = new();

    /// <summary>The URI of <paramref name="baseUrl"/> (trailing slashes dropped) followed by <paramref name="path"/>.</summary>
    public static Uri For(object owner, string baseUrl, string path) => Cache.GetValue(owner, static _ => new PerOwner()).Get(baseUrl, path);

    // A handful of endpoint paths per owner, read far more often than written: a copy-on-write array searched linearly.
    private sealed class PerOwner
    {
        private (string BaseUrl, string Path, Uri Uri)[] _known = [];

        public Uri Get(string baseUrl, string path)
        {
            foreach (var k in Volatile.Read(ref _known))
            {
                if (ReferenceEquals(k.BaseUrl, baseUrl) && string.Equals(k.Path, path, StringComparison.Ordinal))
                {
                    return k.Uri;
                }
            }

            var uri = new Uri(baseUrl.TrimEnd('/') + path, UriKind.Absolute);
            lock (this)
            {
                // Entries for a base URL that is no longer this owner's are dropped, so the array stays small.
                _known = [.. _known.Where(k => ReferenceEquals(k.BaseUrl, baseUrl) && !string.Equals(k.Path, path, StringComparison.Ordinal)), (baseUrl, path, uri)];
            }

            return uri;
        }
    }
}
