using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.Classification;

/// <summary>Builds a <see cref="ComplexityInput"/> from an OpenAI chat request body.</summary>
public static class ComplexityInputReader
{
    /// <summary>
    /// Reads the input from the DOM RequestParser built. Only the last user message's text becomes a string; every
    /// other text is measured from its raw JSON bytes (<see cref="JsonMarshal.GetRawUtf8Value"/>), so a conversation
    /// costs one string, not one per message. (A single-pass Utf8JsonReader reader over the body bytes was measured
    /// slower: it re-tokenizes what the parser already turned into a tree; docs/benchmarks.md.)
    /// </summary>
    /// <remarks>
    /// Throws <see cref="ArgumentException"/> on a repeated property name (JsonObject builds its dictionary on first
    /// access); RequestParser.Parse refuses such a body first.
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
                return (Math.Max(0, JsonStringLength.Of(value)), false);
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
                    if (IsString(type, "text"u8, "text") && p["text"] is JsonValue t && JsonStringLength.Of(t) is var partLength and >= 0)
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
}
