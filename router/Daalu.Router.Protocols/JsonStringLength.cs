using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router;

/// <summary>
/// The UTF-16 length of a JSON string value without building the string: a parsed document's values are read from
/// their raw bytes in place. Counting a long prompt's characters this way allocates nothing.
/// </summary>
public static class JsonStringLength
{
    /// <summary>The string's UTF-16 length, or -1 when <paramref name="value"/> is not a string.</summary>
    public static int Of(JsonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.ValueKind == JsonValueKind.String ? Utf16Length(JsonMarshal.GetRawUtf8Value(element)[1..^1]) : -1;
        }

        // A value built in code holds the string itself.
        return value.TryGetValue<string>(out var text) ? text.Length : -1;
    }

    // Every JSON escape stands for exactly one UTF-16 code unit (a surrogate pair is written as two \u escapes), and
    // escapes are ASCII, which GetCharCount counts one char per byte; so each escape shortens the raw count by its length
    // minus one. The JSON was validated by the parser: a backslash is followed by one char, or by 'u' and four hex digits.
    private static int Utf16Length(ReadOnlySpan<byte> raw)
    {
        var count = Encoding.UTF8.GetCharCount(raw);
        var i = raw.IndexOf((byte)'\\');
        while (i >= 0)
        {
            var escapeLength = raw[i + 1] == (byte)'u' ? 6 : 2;
            count -= escapeLength - 1;
            raw = raw[(i + escapeLength)..];
            i = raw.IndexOf((byte)'\\');
        }

        return count;
    }
}
