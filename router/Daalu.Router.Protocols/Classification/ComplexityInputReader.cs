using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.Classification;

/// <summary>Builds a <see cref="ComplexityInput"/> from an OpenAI chat request body.</summary>
public static class ComplexityInputReader
{
    // The body was depth-checked by RequestParser against the configured limit, which may exceed the reader's
    // default of 64; this pass must not reject what the parser accepted. Utf8JsonReader does not recurse.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = int.MaxValue };

    /// <summary>
    /// Reads the input from the DOM RequestParser built. Only the last user message's text becomes a string; every
    /// other text is measured from its raw JSON bytes (<see cref="JsonMarshal.GetRawUtf8Value"/>), so a conversation
    /// costs one string, not one per message.
    /// </summary>
    /// <remarks>
    /// Throws <see cref="ArgumentException"/> on a repeated property name (JsonObject builds its dictionary on first
    /// access); RequestParser.Parse fails the same way on such a body first.
    /// </remarks>
    public static ComplexityInput FromChatRequest(JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lastUserText = string.Empty;
        var total = 0;
        var count = 0;
        var hasImages = false;
        if (request["messages"] is JsonArray messages)
        {
            count = messages.Count;
            var lastUser = -1;
            for (var i = count - 1; i >= 0; i--)
            {
                if (messages[i] is JsonObject m && IsString(m["role"], "user"u8, "user"))
                {
                    lastUser = i;
                    break;
                }
            }

            for (var i = 0; i < count; i++)
            {
                if (messages[i] is not JsonObject message)
                {
                    continue;
                }

                if (i == lastUser)
                {
                    var (text, images) = ReadText(message["content"]);
                    lastUserText = text;
                    total += text.Length;
                    hasImages |= images;
                }
                else
                {
                    var (length, images) = MeasureText(message["content"]);
                    total += length;
                    hasImages |= images;
                }
            }
        }

        var hasTools = request["tools"] is JsonArray { Count: > 0 };
        return new ComplexityInput(lastUserText, total, count, hasTools, hasImages);
    }

    // ReadText's length and image flag without building the text.
    private static (int Length, bool HasImages) MeasureText(JsonNode? content)
    {
        switch (content)
        {
            case JsonValue value:
                return (Math.Max(0, StringLength(value)), false);
            case JsonArray parts:
                var length = 0;
                var hasImages = false;
                foreach (var part in parts)
                {
                    if (part is not JsonObject p)
                    {
                        continue;
                    }

                    var type = p["type"];
                    if (IsString(type, "text"u8, "text") && p["text"] is JsonValue t && StringLength(t) is var partLength and >= 0)
                    {
                        length += (length > 0 ? 1 : 0) + partLength;
                    }
                    else if (IsString(type, "image_url"u8, "image_url"))
                    {
                        hasImages = true;
                    }
                }

                return (length, hasImages);
            default:
                return (0, false);
        }
    }

    // The string's UTF-16 length, or -1 when the value is not a string. A parsed DOM holds JsonElements, whose raw bytes
    // are read in place; a value built in code falls back to the string itself.
    private static int StringLength(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.ValueKind == JsonValueKind.String ? Utf16Length(JsonMarshal.GetRawUtf8Value(element)[1..^1]) : -1;
        }

        return value.TryGetValue<string>(out var text) ? text.Length : -1;
    }

    private static bool IsString(JsonNode? node, ReadOnlySpan<byte> utf8, string text)
    {
        if (node is not JsonValue value)
        {
            return false;
        }

        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.ValueKind == JsonValueKind.String && element.ValueEquals(utf8);
        }

        return value.TryGetValue<string>(out var s) && s == text;
    }

    /// <summary>
    /// The same input as <see cref="FromChatRequest(JsonObject)"/> on <c>JsonNode.Parse</c> of the same bytes, read in
    /// one pass over the body without building the DOM: only the last user message's text becomes a string; every other
    /// text is only counted (in UTF-16 code units, as <see cref="string.Length"/> would).
    /// </summary>
    /// <remarks>
    /// <para>
    /// For callers that have no DOM. The router has one (RequestParser built and walked it), and re-tokenizing the body
    /// costs more than looking the values up: Utf8JsonReader validates an escaped string byte by byte, about 6x the
    /// DOM overload on a 6.7 KB escaped prompt and 1.3-2x on short ones (Daalu.Bench.Micro ClassifyBeforeAfter).
    /// </para>
    /// <para>
    /// Expects a body RequestParser accepted (UTF-8, well-formed JSON, no lone-surrogate escapes); malformed JSON throws
    /// <see cref="JsonException"/>. Any well-formed shape is read without throwing: a root that is not an object gives an
    /// empty input, and fields of an unexpected type count as absent, as they do for the DOM reader. On a repeated
    /// property name the last one wins, like <c>JsonElement.GetProperty</c>; the DOM reader throws
    /// <see cref="ArgumentException"/> there instead (JsonObject builds its dictionary on first access), and so does
    /// RequestParser.Parse (uncaught) for repeats at the top level, in a message or in a content part, so such bodies
    /// never reach a reader in the router.
    /// </para>
    /// </remarks>
    public static ComplexityInput FromChatRequest(ReadOnlySpan<byte> utf8Body)
    {
        var reader = new Utf8JsonReader(utf8Body, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return new ComplexityInput(string.Empty, 0, 0, false, false);
        }

        var scan = new MessagesScan { LastUserContentStart = -1 };
        var hasTools = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("messages"u8))
            {
                reader.Read();
                scan = ReadMessages(ref reader);
            }
            else if (reader.ValueTextEquals("tools"u8))
            {
                reader.Read();
                hasTools = IsNonEmptyArray(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var lastUserText = scan.LastUserContentStart < 0 || scan.LastUserLength == 0
            ? string.Empty
            : MaterializeContent(utf8Body[scan.LastUserContentStart..], scan.LastUserLength);
        return new ComplexityInput(lastUserText, scan.TotalLength, scan.Count, hasTools, scan.HasImages);
    }

    private static (string Text, bool HasImages) ReadText(JsonNode? content)
    {
        switch (content)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                return (text, false);
            case JsonArray parts:
                var joined = new StringBuilder();
                var hasImages = false;
                foreach (var part in parts)
                {
                    if (part is not JsonObject p)
                    {
                        continue;
                    }

                    var type = p["type"].AsString();
                    if (type == "text" && p["text"] is JsonValue t && t.TryGetValue<string>(out var partText))
                    {
                        if (joined.Length > 0)
                        {
                            joined.Append('\n');
                        }

                        joined.Append(partText);
                    }
                    else if (type == "image_url")
                    {
                        hasImages = true;
                    }
                }

                return (joined.ToString(), hasImages);
            default:
                return (string.Empty, false);
        }
    }

    private static MessagesScan ReadMessages(ref Utf8JsonReader reader)
    {
        var scan = new MessagesScan { LastUserContentStart = -1 };
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return scan;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            scan.Count++;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            // Role and content may come in either order, so the content is only measured here and its position kept;
            // the text itself is decoded once, at the end, for the last user message alone.
            var isUser = false;
            var content = default(ContentScan);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("role"u8))
                {
                    reader.Read();
                    isUser = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("user"u8);
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    content = ReadContent(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            scan.TotalLength += content.Length;
            scan.HasImages |= content.HasImages;
            if (isUser)
            {
                scan.LastUserContentStart = content.Start;
                scan.LastUserLength = content.Length;
            }
        }

        return scan;
    }

    private static ContentScan ReadContent(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new ContentScan((int)reader.TokenStartIndex, CharCount(ref reader), false);
            case JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                var length = 0;
                var hasImages = false;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var part = ReadPart(ref reader, countText: true);
                    if (part.Kind == PartKind.Text)
                    {
                        // The DOM reader joins with '\n' only once something is in its builder, so empty text parts
                        // before the first non-empty one add nothing.
                        length += (length > 0 ? 1 : 0) + part.TextLength;
                    }
                    else if (part.Kind == PartKind.Image)
                    {
                        hasImages = true;
                    }
                }

                return new ContentScan(start, length, hasImages);
            default:
                reader.Skip();
                return new ContentScan(-1, 0, false);
        }
    }

    // On a part's first token; leaves the reader on its last. With countText false only the text's position is kept.
    private static Part ReadPart(ref Utf8JsonReader reader, bool countText)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return default;
        }

        var kind = PartKind.Other;
        var textLength = 0;
        var textStart = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                kind = reader.TokenType != JsonTokenType.String ? PartKind.Other
                    : reader.ValueTextEquals("text"u8) ? PartKind.TextType
                    : reader.ValueTextEquals("image_url"u8) ? PartKind.Image
                    : PartKind.Other;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    textStart = (int)reader.TokenStartIndex;
                    textLength = countText ? CharCount(ref reader) : 0;
                }
                else
                {
                    textStart = -1;
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // A "text" part without a string text is neither text nor image for the DOM reader.
        return kind == PartKind.TextType
            ? textStart >= 0 ? new Part(PartKind.Text, textLength, textStart) : default
            : new Part(kind, 0, -1);
    }

    private static bool IsNonEmptyArray(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return false;
        }

        var nonEmpty = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            nonEmpty = true;
            reader.Skip();
        }

        return nonEmpty;
    }

    private static int CharCount(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped ? Utf16Length(reader.ValueSpan) : Encoding.UTF8.GetCharCount(reader.ValueSpan);

    // UTF-16 length of a JSON string's unescaped value from its raw bytes, without decoding it. Every JSON escape stands
    // for exactly one UTF-16 code unit (a surrogate pair is written as two \u escapes), and escapes are ASCII, which
    // GetCharCount counts one char per byte; so each escape shortens the raw count by its length minus one.
    private static int Utf16Length(ReadOnlySpan<byte> raw)
    {
        var count = Encoding.UTF8.GetCharCount(raw);
        var i = raw.IndexOf((byte)'\\');
        while (i >= 0)
        {
            // The JSON was validated: a backslash is followed by one char, or by 'u' and four hex digits.
            var escapeLength = raw[i + 1] == (byte)'u' ? 6 : 2;
            count -= escapeLength - 1;
            raw = raw[(i + escapeLength)..];
            i = raw.IndexOf((byte)'\\');
        }

        return count;
    }

    // contentJson starts at the content value (a string or a part array) of the last user message; length is its text
    // length as measured by the scan, so the string is built at its final size without a builder.
    private static string MaterializeContent(ReadOnlySpan<byte> contentJson, int length)
    {
        var reader = new Utf8JsonReader(contentJson, ReaderOptions);
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.ValueIsEscaped ? reader.GetString()! : Encoding.UTF8.GetString(reader.ValueSpan);
        }

        return string.Create(length, contentJson, static (destination, json) =>
        {
            var parts = new Utf8JsonReader(json, ReaderOptions);
            parts.Read();
            var written = 0;
            while (parts.Read() && parts.TokenType != JsonTokenType.EndArray)
            {
                var part = ReadPart(ref parts, countText: false);
                if (part.Kind != PartKind.Text)
                {
                    continue;
                }

                var text = new Utf8JsonReader(json[part.TextStart..], ReaderOptions);
                text.Read();
                if (written > 0)
                {
                    destination[written++] = '\n';
                }

                written += text.CopyString(destination[written..]);
            }
        });
    }

    private enum PartKind
    {
        Other,
        Text,
        Image,

        // "type":"text" seen; a Text part only if it also has a string "text".
        TextType,
    }

    private readonly record struct Part(PartKind Kind, int TextLength, int TextStart);

    private readonly record struct ContentScan(int Start, int Length, bool HasImages);

    private struct MessagesScan
    {
        public int Count;
        public int TotalLength;
        public bool HasImages;

        // Where the last user message's content value starts in the body; -1 when it has no text content.
        public int LastUserContentStart;
        public int LastUserLength;
    }
}
