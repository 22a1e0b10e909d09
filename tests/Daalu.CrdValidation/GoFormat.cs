using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.CrdValidation;

/// <summary>Formats values the way the API server's Go code prints them (%v, %q, %g), so messages match byte for byte.</summary>
internal static class GoFormat
{
    /// <summary>Go strconv.Quote for the ASCII and common Unicode cases.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Go's %v of a float64: strconv.FormatFloat(f, 'g', -1, 64).</summary>
    public static string Float(double d)
    {
        if (double.IsPositiveInfinity(d))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(d))
        {
            return "-Inf";
        }

        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (d == 0)
        {
            return "0";
        }

        // Shortest round-trip digits, then place the decimal point like Go's %g (exponent form when exp < -4 || exp >= 6, strconv shortest).
        var neg = d < 0;
        var digits = ShortestDigits(Math.Abs(d), out var exp10);
        string body;
        if (exp10 < -4 || exp10 >= 6)
        {
            var mant = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            body = mant + "e" + (exp10 < 0 ? "-" : "+") + Math.Abs(exp10).ToString("00", CultureInfo.InvariantCulture);
        }
        else if (exp10 < 0)
        {
            body = "0." + new string('0', -exp10 - 1) + digits;
        }
        else if (digits.Length <= exp10 + 1)
        {
            body = digits + new string('0', exp10 + 1 - digits.Length);
        }
        else
        {
            body = digits[..(exp10 + 1)] + "." + digits[(exp10 + 1)..];
        }

        return neg ? "-" + body : body;
    }

    private static string ShortestDigits(double abs, out int exp10)
    {
        // "R" gives the shortest round-trippable representation; normalise it to digits and a decimal exponent.
        var s = abs.ToString("R", CultureInfo.InvariantCulture);
        var e = 0;
        var ePos = s.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            e = int.Parse(s[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..ePos];
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? s[..dot] : s;
        var frac = dot >= 0 ? s[(dot + 1)..] : string.Empty;
        var all = (intPart + frac).TrimStart('0');
        var leadingZeros = (intPart + frac).Length - all.Length;
        exp10 = intPart.Length - 1 - leadingZeros + e;
        all = all.TrimEnd('0');
        return all.Length == 0 ? "0" : all;
    }

    /// <summary>Go's %v of a decoded JSON number (int64 when integral in the JSON text, else float64).</summary>
    public static string Number(JsonValue v)
    {
        if (v.TryGetValue<long>(out var l))
        {
            return l.ToString(CultureInfo.InvariantCulture);
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i.ToString(CultureInfo.InvariantCulture);
        }

        if (v.TryGetValue<double>(out var d))
        {
            return IsIntegralJson(v) ? ((long)d).ToString(CultureInfo.InvariantCulture) : Float(d);
        }

        if (v.TryGetValue<decimal>(out var m))
        {
            return Float((double)m);
        }

        if (v.TryGetValue<JsonElement>(out var el) && el.ValueKind == JsonValueKind.Number)
        {
            return el.TryGetInt64(out var el64) ? el64.ToString(CultureInfo.InvariantCulture) : Float(el.GetDouble());
        }

        return v.ToJsonString();
    }

    /// <summary>Go's %v of the bad value in a field error.</summary>
    public static string Value(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValueKind() == JsonValueKind.True ? "true" : "false",
        _ => node.ToJsonString(),
    };

    private static bool IsIntegralJson(JsonValue v)
    {
        var text = v.ToJsonString();
        return !text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase);
    }
}
