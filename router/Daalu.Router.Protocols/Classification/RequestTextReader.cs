using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.Classification;

/// <summary>
/// Collects every text a request carries, for code detection over the whole conversation: OpenAI Chat Completions
/// (<c>messages[].content</c> as a string or text parts, <c>tool</c> messages, <c>tool_calls[].function.arguments</c>),
/// Anthropic Messages bodies (top-level <c>system</c>, <c>text</c>, <c>tool_result</c> and <c>tool_use</c> blocks),
/// Completions (<c>prompt</c> as a string or strings) and Responses (<c>instructions</c>, <c>input</c> as a string or
/// items). Shapes follow the OpenAI API reference (platform.openai.com/docs/api-reference/chat/create) and Anthropic's
/// Messages reference (docs.anthropic.com/en/api/messages). Unknown shapes are skipped, never thrown on.
/// </summary>
public static class RequestTextReader
{
    /// <summary>Reads the texts of a request body.</summary>
    public static RequestText Read(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var segments = new List<TextSegment>();
        var images = false;
        AddStringOrParts(segments, "system", -1, body["system"], ref images);
        AddStringOrParts(segments, "system", -1, body["instructions"], ref images);
        if (body["messages"] is JsonArray messages)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                if (messages[i] is JsonObject m)
                {
                    AddMessage(segments, m, i, ref images);
                }
            }
        }

        switch (body["prompt"])
        {
            case JsonValue prompt when prompt.TryGetValue<string>(out var text):
                segments.Add(new TextSegment("prompt", 0, text));
                break;
            case JsonArray prompts:
                for (var i = 0; i < prompts.Count; i++)
                {
                    if (prompts[i] is JsonValue v && v.TryGetValue<string>(out var item))
                    {
                        segments.Add(new TextSegment("prompt", i, item));
                    }
                }

                break;
        }

        switch (body["input"])
        {
            case JsonValue input when input.TryGetValue<string>(out var text):
                segments.Add(new TextSegment("user", 0, text));
                break;
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is JsonObject item)
                    {
                        AddMessage(segments, item, i, ref images);
                    }
                    else if (items[i] is JsonValue v && v.TryGetValue<string>(out var inputText))
                    {
                        // Embeddings: input as an array of strings.
                        segments.Add(new TextSegment("user", i, inputText));
                    }
                }

                break;
        }

        var tools = body["tools"] is JsonArray { Count: > 0 } || body["functions"] is JsonArray { Count: > 0 };
        return new RequestText(segments, tools, images);
    }

    private static void AddMessage(List<TextSegment> segments, JsonObject m, int index, ref bool images)
    {
        var role = RoleOf(m["role"].AsString() ?? m["type"].AsString());
        AddStringOrParts(segments, role, index, m["content"], ref images);
        if (m["output"] is JsonValue output && output.TryGetValue<string>(out var outputText))
        {
            // Responses API function_call_output items.
            segments.Add(new TextSegment("tool", index, outputText));
        }

        if (m["arguments"] is JsonValue args && args.TryGetValue<string>(out var argsText))
        {
            segments.Add(new TextSegment("tool_call", index, argsText));
        }

        if (m["tool_calls"] is JsonArray calls)
        {
            foreach (var call in calls)
            {
                // An item or function that is not an object is skipped (an indexer on it would throw).
                if (call is JsonObject c && c["function"] is JsonObject f && f["arguments"] is JsonValue a && a.TryGetValue<string>(out var text))
                {
                    segments.Add(new TextSegment("tool_call", index, text));
                }
            }
        }

        if (m["function_call"] is JsonObject fc && fc["arguments"] is JsonValue legacy && legacy.TryGetValue<string>(out var legacyText))
        {
            segments.Add(new TextSegment("tool_call", index, legacyText));
        }
    }

    /// <summary>The segment role of a message with <paramref name="role"/> (its role, else its Responses item type).</summary>
    public static string RoleOf(string? role) => role switch
    {
        "user" or "message" or null => "user",
        "system" or "developer" => "system",
        "assistant" => "assistant",
        "tool" or "function" or "function_call_output" => "tool",
        "function_call" => "tool_call",
        _ => role,
    };

    private static void AddStringOrParts(List<TextSegment> segments, string role, int index, JsonNode? content, ref bool images)
    {
        switch (content)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                segments.Add(new TextSegment(role, index, text));
                break;
            case JsonArray parts:
                foreach (var part in parts)
                {
                    if (part is JsonObject p)
                    {
                        AddPart(segments, role, index, p, ref images);
                    }
                    else if (part is JsonValue v && v.TryGetValue<string>(out var s))
                    {
                        segments.Add(new TextSegment(role, index, s));
                    }
                }

                break;
        }
    }

    private static void AddPart(List<TextSegment> segments, string role, int index, JsonObject part, ref bool images)
    {
        switch (part["type"].AsString())
        {
            case "text" or "input_text" or "output_text" or null:
                if (part["text"] is JsonValue t && t.TryGetValue<string>(out var text))
                {
                    segments.Add(new TextSegment(role, index, text));
                }

                break;
            case "tool_result":
                // Anthropic: a user turn carrying a tool's output, as a string or blocks.
                AddStringOrParts(segments, "tool", index, part["content"], ref images);
                break;
            case "tool_use":
                // Anthropic: the arguments an assistant sent, an object; its strings may carry a file the model writes.
                AddStrings(segments, index, part["input"], depth: 0);
                break;
            case "image_url" or "image" or "input_image":
                images = true;
                break;
        }
    }

    private static void AddStrings(List<TextSegment> segments, int index, JsonNode? node, int depth)
    {
        if (depth > 16)
        {
            return;
        }

        switch (node)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.TryGetValue<string>(out var s):
                segments.Add(new TextSegment("tool_call", index, s));
                break;
            case JsonObject o:
                foreach (var (_, child) in o)
                {
                    AddStrings(segments, index, child, depth + 1);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    AddStrings(segments, index, child, depth + 1);
                }

                break;
        }
    }
}
