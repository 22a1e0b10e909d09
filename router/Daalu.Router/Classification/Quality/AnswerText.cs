using System.Text;
using System.Text.Json;

namespace Daalu.Router.Classification.Quality;

/// <summary>
/// The answer's text in a captured response body, for the quality judge. Pure. Reads the shapes the router writes:
/// OpenAI chat (<c>choices[0].message.content</c>, streamed <c>choices[0].delta.content</c>), completions
/// (<c>choices[0].text</c>) and Anthropic Messages (<c>content[].text</c>, streamed <c>content_block_delta</c>
/// <c>delta.text</c>); SSE events are <c>data:</c> lines (html.spec.whatwg.org, server-sent events). Null when none is found
/// (a tool call, an error, another wire format).
/// </summary>
public static class AnswerText
{
    /// <summary>The answer text, or null.</summary>
    public static string? Extract(ReadOnlySpan<byte> body, bool eventStream)
    {
        if (!eventStream)
        {
            return FromJson(body, streamed: false);
        }

        var text = new StringBuilder();
        while (!body.IsEmpty)
        {
            var end = body.IndexOf((byte)'\n');
            var line = end < 0 ? body : body[..end];
            body = end < 0 ? [] : body[(end + 1)..];
            line = line.TrimEnd((byte)'\r');
            if (line.StartsWith("data:"u8))
            {
                var data = line[5..].TrimStart((byte)' ');
                if (!data.SequenceEqual("[DONE]"u8) && FromJson(data, streamed: true) is { } piece)
                {
                    text.Append(piece);
                }
            }
        }

        return text.Length > 0 ? text.ToString() : null;
    }

    private static string? FromJson(ReadOnlySpan<byte> json, bool streamed)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
            {
                var choice = choices[0];
                if (choice.TryGetProperty(streamed ? "delta" : "message", out var message) && message.ValueKind == JsonValueKind.Object &&
                    message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    return content.GetString();
                }

                return choice.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            }

            if (streamed)
            {
                return root.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object &&
                    delta.TryGetProperty("text", out var dt) && dt.ValueKind == JsonValueKind.String ? dt.GetString() : null;
            }

            if (root.TryGetProperty("content", out var blocks) && blocks.ValueKind == JsonValueKind.Array)
            {
                var text = new StringBuilder();
                foreach (var block in blocks.EnumerateArray())
                {
                    if (block.ValueKind == JsonValueKind.Object && block.TryGetProperty("text", out var bt) && bt.ValueKind == JsonValueKind.String)
                    {
                        text.Append(bt.GetString());
                    }
                }

                return text.Length > 0 ? text.ToString() : null;
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
