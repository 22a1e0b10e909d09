using System.Security.Cryptography;
using System.Text;

namespace Daalu.Operator.Children;

/// <summary>
/// Deterministic names and label values for child objects, so a reconcile always finds what an earlier one made, and
/// every one of them is valid for any valid custom-resource name (a DNS-1123 subdomain of up to 253 characters).
/// </summary>
/// <remarks>
/// The limits are the API server's (k8s.io/apimachinery/pkg/util/validation/validation.go): a Service name is a
/// DNS-1035 label (at most 63 characters, starting with a letter), a label value at most 63 characters matching
/// <c>(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?</c>. A value that does not fit is cut and ends in '-' and a short
/// hash of the whole input, so two long names that share their first characters still get different children.
/// A value that fits is used unchanged, so children of existing resources keep their names and selectors (a
/// Deployment's selector is immutable).
/// </remarks>
public static class ChildNames
{
    /// <summary>The device plugin DaemonSet's name.</summary>
    public const string DevicePlugin = "nvidia-device-plugin";

    /// <summary>The dcgm-exporter DaemonSet's and Service's name (NVIDIA's manifest uses the same).</summary>
    public const string DcgmExporter = "dcgm-exporter";

    /// <summary>The longest DNS-1035 / DNS-1123 label and the longest label value.</summary>
    public const int MaxLabelLength = 63;

    private const int HashLength = 8;

    /// <summary>
    /// The vLLM Deployment and Service name for a ModelServing: <c>ms-&lt;name&gt;</c> with dots turned into dashes
    /// (a Service name is a DNS-1035 label). Longer than 63 characters, it is cut and ends in a hash of the full name.
    /// </summary>
    public static string ForModelServing(string modelServingName)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelServingName);
        var name = "ms-" + modelServingName.ToLowerInvariant().Replace('.', '-');
        return name.Length <= MaxLabelLength ? name : Shorten(name, modelServingName);
    }

    /// <summary>
    /// A label value that carries <paramref name="value"/> (e.g. a ModelServing name in a selector): unchanged when it
    /// is already a valid label value, else cut to fit and ended with '-' and a hash of the whole value.
    /// </summary>
    public static string LabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsValidLabelValue(value))
        {
            return value;
        }

        // Keep only characters a label value may hold, and start with an alphanumeric.
        var kept = new string(value.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').ToArray()).TrimStart('-', '_', '.');
        return Shorten(kept, value);
    }

    /// <summary>Whether <paramref name="value"/> is a valid label value (apimachinery's IsValidLabelValue).</summary>
    public static bool IsValidLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return true;
        }

        return value.Length <= MaxLabelLength
            && char.IsAsciiLetterOrDigit(value[0])
            && char.IsAsciiLetterOrDigit(value[^1])
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }

    // prefix[..54] (without trailing separators) + '-' + 8 hex characters of SHA-256(source): at most 63 characters,
    // starting with what the prefix starts with and ending in a hex digit or letter.
    private static string Shorten(string prefix, string source)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..HashLength];
        var room = MaxLabelLength - HashLength - 1;
        var head = (prefix.Length > room ? prefix[..room] : prefix).TrimEnd('-', '_', '.');
        return head.Length == 0 ? hash : head + "-" + hash;
    }
}
