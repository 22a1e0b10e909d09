using System.Security.Cryptography;
using System.Text;

namespace Daalu.Contracts.RouterConfig;

/// <summary>
/// The one hash of a router configuration document: SHA-256 of the file's bytes, first 16 lower-case hex digits. The
/// operator writes it on the router Deployment's pod template (so a changed ConfigMap rolls the pods) and in the
/// RoutingPolicy status; the router reports the hash of the file it loaded on GET /admin/config. Both sides hash the
/// same bytes: the operator the UTF-8 of the content it puts in the ConfigMap, the router the bytes it read.
/// </summary>
public static class ConfigHash
{
    /// <summary>Hex digits kept.</summary>
    public const int Length = 16;

    /// <summary>The hash of a document's bytes.</summary>
    public static string Of(ReadOnlySpan<byte> document) => Convert.ToHexStringLower(SHA256.HashData(document))[..Length];

    /// <summary>The hash of a document's text, as its UTF-8 bytes (no byte-order mark).</summary>
    public static string Of(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return Of(Encoding.UTF8.GetBytes(document));
    }
}
