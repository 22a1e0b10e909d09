using System.Globalization;

namespace Daalu.KubeApiServer;

/// <summary>
/// Kubernetes resource quantities as the API server decodes them: k8s.io/apimachinery pkg/api/resource/quantity.go,
/// <c>ParseQuantity</c> and <c>parseQuantityString</c>. The grammar (from that file's doc comment):
/// <code>
/// quantity ::= signedNumber suffix;  signedNumber ::= number | sign number;  sign ::= "+" | "-"
/// number ::= digits | digits "." digits | digits "." | "." digits
/// suffix ::= binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m "" k M G T P E) | decimalExponent ("e" or "E" + signed integer)
/// </code>
/// The three errors keep apimachinery's wording: <see cref="FormatWrong"/> (ErrFormatWrong), <see cref="Numeric"/>
/// (ErrNumeric), <see cref="Suffix"/> (ErrSuffix). The value is kept as a double, enough for the comparisons the
/// validation makes (sign, request against limit, whole numbers).
/// </summary>
internal static class ResourceQuantity
{
    public const string FormatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    public const string Numeric = "unable to parse numeric part of quantity";
    public const string Suffix = "unable to parse quantity's suffix";

    private const string SuffixCharacters = "eEinumkKMGTP";

    private static readonly Dictionary<string, int> DecimalSi = new(StringComparer.Ordinal)
    {
        ["n"] = -9, ["u"] = -6, ["m"] = -3, [""] = 0, ["k"] = 3, ["M"] = 6, ["G"] = 9, ["T"] = 12, ["P"] = 15, ["E"] = 18,
    };

    private static readonly Dictionary<string, int> BinarySi = new(StringComparer.Ordinal)
    {
        ["Ki"] = 10, ["Mi"] = 20, ["Gi"] = 30, ["Ti"] = 40, ["Pi"] = 50, ["Ei"] = 60,
    };

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> is apimachinery's message.</summary>
    public static bool TryParse(string text, out double value, out string? error)
    {
        value = 0;
        error = null;
        if (text.Length == 0)
        {
            error = FormatWrong;
            return false;
        }

        if (text == "0")
        {
            return true;
        }

        // parseQuantityString: sign, digits, optional '.' and digits, then suffix characters, an optional exponent sign
        // and digits; anything after that is ErrFormatWrong.
        var pos = 0;
        var negative = false;
        if (text[0] is '+' or '-')
        {
            negative = text[0] == '-';
            pos++;
        }

        var numStart = pos;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }

        var num = text[numStart..pos];
        var denom = string.Empty;
        if (pos < text.Length && text[pos] == '.')
        {
            pos++;
            var denomStart = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }

            denom = text[denomStart..pos];
        }

        var suffixStart = pos;
        while (pos < text.Length && SuffixCharacters.Contains(text[pos], StringComparison.Ordinal))
        {
            pos++;
        }

        if (pos < text.Length && text[pos] is '-' or '+')
        {
            pos++;
        }

        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }

        if (pos < text.Length)
        {
            error = FormatWrong;
            return false;
        }

        var suffix = text[suffixStart..];
        double scale;
        if (DecimalSi.TryGetValue(suffix, out var exponent))
        {
            scale = Math.Pow(10, exponent);
        }
        else if (BinarySi.TryGetValue(suffix, out var power))
        {
            scale = Math.Pow(2, power);
        }
        else if (suffix.Length > 1 && suffix[0] is 'e' or 'E'
            && long.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var tenPower))
        {
            scale = Math.Pow(10, tenPower);
        }
        else
        {
            error = Suffix;
            return false;
        }

        if (num.Length + denom.Length == 0
            || !double.TryParse(num + (denom.Length > 0 ? "." + denom : string.Empty), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var mantissa))
        {
            error = Numeric;
            return false;
        }

        value = (negative ? -mantissa : mantissa) * scale;
        return true;
    }
}
