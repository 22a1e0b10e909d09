// ComplexityInputReader exactly as it was at git 860405c, so the Baseline of the Daalu.Bench.Micro classification
// benchmarks (which link this file) measures the old request path end to end even if the production reader changes.
using System.Text.Json.Nodes;
using Daalu.Router.Classification;

namespace Daalu.Router.Protocols.Tests.Classification.Reference;

/// <summary>Builds a <see cref="ComplexityInput"/> from an OpenAI chat request body.</summary>
internal static class ReferenceComplexityInputReader
{
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
            foreach (var node in messages)
            {
                if (node is not JsonObject message)
                {
                    continue;
                }

                var (text, images) = ReadText(message["content"]);
                total += text.Length;
                hasImages |= images;
                if (AsString(message["role"]) == "user")
                {
                    lastUserText = text;
                }
            }
        }

        var hasTools = request["tools"] is JsonArray { Count: > 0 };
        return new ComplexityInput(lastUserText, total, count, hasTools, hasImages);
    }

    private static (string Text, bool HasImages) ReadText(JsonNode? content)
    {
        switch (content)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                return (text, false);
            case JsonArray parts:
                var joined = new System.Text.StringBuilder();
                var hasImages = false;
                foreach (var part in parts)
                {
                    if (part is not JsonObject p)
                    {
                        continue;
                    }

                    var type = AsString(p["type"]);
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

    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
