using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Daalu.CrdGen;

/// <summary>
/// Writes a JSON tree as block-style YAML, deterministically: keys in insertion order, lists at the key's indent
/// (the kubectl style), strings plain only when no YAML 1.1 or 1.2 parser could read them as anything else.
/// </summary>
public static partial class YamlWriter
{
    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Serialises one document (no leading <c>---</c>), ending with a newline.</summary>
    public static string Write(JsonNode node)
    {
        var sb = new StringBuilder();
        WriteValue(sb, node, 0, inList: false);
        return sb.ToString();
    }

    private static void WriteValue(StringBuilder sb, JsonNode? node, int indent, bool inList)
    {
        switch (node)
        {
            case JsonObject obj:
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!(first && inList))
                    {
                        sb.Append(' ', indent);
                    }

                    first = false;
                    sb.Append(Scalar(key)).Append(':');
                    WriteChild(sb, value, indent);
                }

                break;
            case JsonArray arr:
                foreach (var item in arr)
                {
                    sb.Append(' ', indent).Append('-');
                    if (item is JsonObject { Count: > 0 })
                    {
                        sb.Append(' ');
                        WriteValue(sb, item, indent + 2, inList: true);
                    }
                    else if (item is JsonArray { Count: > 0 })
                    {
                        sb.Append('\n');
                        WriteValue(sb, item, indent + 2, inList: false);
                    }
                    else
                    {
                        sb.Append(' ').Append(Inline(item)).Append('\n');
                    }
                }

                break;
            default:
                sb.Append(Inline(node)).Append('\n');
                break;
        }
    }

    private static void WriteChild(StringBuilder sb, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: > 0 }:
                sb.Append('\n');
                WriteValue(sb, value, indent + 2, inList: false);
                break;
            case JsonArray { Count: > 0 }:
                sb.Append('\n');
                WriteValue(sb, value, indent, inList: false);
                break;
            default:
                sb.Append(' ').Append(Inline(value)).Append('\n');
                break;
        }
    }

    private static string Inline(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => Scalar(v.GetValue<string>()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => Number(v),
            _ => "null",
        },
        _ => "null",
    };

    private static string Number(JsonValue v)
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
            return d.ToString("R", CultureInfo.InvariantCulture);
        }

        return v.ToJsonString();
    }

    /// <summary>A string scalar: plain when unambiguous, otherwise JSON-style double-quoted (valid YAML).</summary>
    public static string Scalar(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Plain().IsMatch(s) && !Ambiguous().IsMatch(s) && !s.EndsWith(' ') && !s.Contains(": ", StringComparison.Ordinal) &&
               !s.Contains(" #", StringComparison.Ordinal) && !s.EndsWith(':')
            ? s
            : JsonSerializer.Serialize(s, QuoteOptions);
    }

    [GeneratedRegex(@"^[A-Za-z_/][A-Za-z0-9 _./(),;:'+=<>*@-]*$")]
    private static partial Regex Plain();

    [GeneratedRegex("^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$")]
    private static partial Regex Ambiguous();
}
