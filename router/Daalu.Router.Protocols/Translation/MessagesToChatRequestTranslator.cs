using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.Translation;

/// <summary>
/// Anthropic Messages request (<c>POST /v1/messages</c>, inbound from an Anthropic client) to a Chat Completions
/// request. Pure; the input is not modified. The reverse of <see cref="AnthropicRequestTranslator"/>.
/// <para>
/// Source of the wire format: @anthropic-ai/sdk 1.10.0, resources/messages/messages.d.ts (MessageCreateParamsBase,
/// MessageParam, TextBlockParam, ImageBlockParam with Base64ImageSource / URLImageSource, ToolUseBlockParam,
/// ToolResultBlockParam, Tool, ToolChoiceAuto/Any/Tool/None). Mapping: <c>system</c> (a string or text blocks) ->
/// one system message; text blocks -> text parts; images -> <c>image_url</c> parts (base64 as a data URL);
/// an assistant's <c>tool_use</c> blocks -> its <c>tool_calls</c> (input serialised as the arguments string); a user's
/// <c>tool_result</c> blocks -> tool messages placed before the rest of that user turn; thinking blocks dropped;
/// tools -> function tools (<c>input_schema</c> -> <c>parameters</c>); tool_choice auto/any/tool/none ->
/// auto/required/function/none, <c>disable_parallel_tool_use</c> -> <c>parallel_tool_calls: false</c>;
/// <c>stop_sequences</c> -> <c>stop</c>; <c>metadata.user_id</c> -> <c>user</c>. Refused with a
/// <see cref="TranslationException"/>: documents, server tools (web search, code execution...: Anthropic runs them),
/// and a missing <c>max_tokens</c> (required by Anthropic's API) unless counting tokens.
/// </para>
/// </summary>
public static class MessagesToChatRequestTranslator
{
    /// <summary>Translates; <paramref name="forCounting"/> skips the max_tokens requirement (count_tokens has none).</summary>
    public static JsonObject ToChat(JsonObject request, bool forCounting = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        var chat = new JsonObject { ["model"] = request["model"]?.DeepClone() };
        var messages = new JsonArray();
        switch (request["system"])
        {
            case null:
                break;
            case JsonValue s when s.GetValueKind() == JsonValueKind.String:
                messages.AddNode(new JsonObject { ["role"] = "system", ["content"] = s.GetValue<string>() });
                break;
            case JsonArray blocks:
                var system = new StringBuilder();
                foreach (var block in blocks)
                {
                    if (block?["type"]?.GetValue<string>() != "text" || block["text"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String)
                    {
                        throw new TranslationException("system", "system blocks must be text blocks.");
                    }

                    system.Append(system.Length > 0 ? "\n\n" : "").Append(t.GetValue<string>());
                }

                messages.AddNode(new JsonObject { ["role"] = "system", ["content"] = system.ToString() });
                break;
            default:
                throw new TranslationException("system", "system must be a string or an array of text blocks.");
        }

        if (request["messages"] is not JsonArray turns || turns.Count == 0)
        {
            throw new TranslationException("messages", "messages: at least one message is required");
        }

        for (var i = 0; i < turns.Count; i++)
        {
            AddTurn(turns[i] as JsonObject ?? throw new TranslationException($"messages.{i}", $"messages.{i} must be an object."), i, messages);
        }

        chat["messages"] = messages;
        if (request["max_tokens"] is JsonValue mt && mt.GetValueKind() == JsonValueKind.Number)
        {
            chat["max_tokens"] = mt.DeepClone();
        }
        else if (!forCounting)
        {
            throw new TranslationException("max_tokens", "max_tokens: Field required");
        }

        if (request["tools"] is JsonArray tools && tools.Count > 0)
        {
            chat["tools"] = TranslateTools(tools);
        }

        if (request["tool_choice"] is JsonObject choice)
        {
            TranslateToolChoice(choice, chat);
        }

        foreach (var name in (ReadOnlySpan<string>)["temperature", "top_p"])
        {
            if (request[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
            {
                chat[name] = v.DeepClone();
            }
        }

        if (request["stop_sequences"] is JsonArray stops && stops.Count > 0)
        {
            chat["stop"] = stops.DeepClone();
        }

        if (request["metadata"] is JsonObject metadata && metadata["user_id"] is JsonValue user && user.GetValueKind() == JsonValueKind.String)
        {
            chat["user"] = user.GetValue<string>();
        }

        if (request["stream"] is JsonValue stream && stream.GetValueKind() == JsonValueKind.True)
        {
            chat["stream"] = true;
            chat["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return chat;
    }

    private static void AddTurn(JsonObject turn, int i, JsonArray messages)
    {
        var role = turn["role"] is JsonValue r && r.GetValueKind() == JsonValueKind.String ? r.GetValue<string>() : null;
        if (role is not ("user" or "assistant"))
        {
            throw new TranslationException($"messages.{i}.role", $"messages.{i}.role: Input should be 'user' or 'assistant'");
        }

        if (turn["content"] is JsonValue s && s.GetValueKind() == JsonValueKind.String)
        {
            messages.AddNode(new JsonObject { ["role"] = role, ["content"] = s.GetValue<string>() });
            return;
        }

        if (turn["content"] is not JsonArray blocks)
        {
            throw new TranslationException($"messages.{i}.content", $"messages.{i}.content must be a string or an array of blocks.");
        }

        var parts = new JsonArray();
        var toolCalls = new JsonArray();
        for (var b = 0; b < blocks.Count; b++)
        {
            var param = $"messages.{i}.content.{b}";
            var block = blocks[b] as JsonObject ?? throw new TranslationException(param, $"{param} must be an object.");
            var type = block["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
            switch (type)
            {
                case "text":
                    parts.AddNode(new JsonObject { ["type"] = "text", ["text"] = block["text"]?.DeepClone() ?? "" });
                    break;
                case "image":
                    parts.AddNode(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = ImageUrl(block, param) } });
                    break;
                case "tool_use" when role == "assistant":
                    toolCalls.AddNode(new JsonObject
                    {
                        ["id"] = block["id"]?.DeepClone(),
                        ["type"] = "function",
                        ["function"] = new JsonObject
                        {
                            ["name"] = block["name"]?.DeepClone(),
                            ["arguments"] = (block["input"] ?? new JsonObject()).ToJsonString(),
                        },
                    });
                    break;
                case "tool_result" when role == "user":
                    // Chat wants each result as its own tool message, right after the assistant turn that called it.
                    var content = ToolResultText(block["content"], param);
                    if (block["is_error"] is JsonValue e && e.GetValueKind() == JsonValueKind.True)
                    {
                        content = "Error: " + content;
                    }

                    messages.AddNode(new JsonObject { ["role"] = "tool", ["tool_call_id"] = block["tool_use_id"]?.DeepClone(), ["content"] = content });
                    break;
                case "thinking" or "redacted_thinking":
                    break;
                default:
                    throw new TranslationException(param, $"content block type '{type}' is not supported by this router in a {role} message (it serves text, image, tool_use and tool_result).");
            }
        }

        if (role == "assistant")
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = parts.Count == 0 ? null : JoinText(parts) };
            if (toolCalls.Count > 0)
            {
                message["tool_calls"] = toolCalls;
            }

            messages.AddNode(message);
        }
        else if (parts.Count > 0)
        {
            messages.AddNode(new JsonObject { ["role"] = "user", ["content"] = parts });
        }
    }

    // An assistant turn's text as one string: every chat template takes that, not all take parts.
    private static string JoinText(JsonArray parts) =>
        string.Concat(parts.Select(p => p?["text"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : ""));

    private static string ImageUrl(JsonObject block, string param)
    {
        var source = block["source"] as JsonObject ?? throw new TranslationException(param, $"{param}.source is required.");
        return source["type"]?.GetValue<string>() switch
        {
            "base64" => $"data:{source["media_type"]?.GetValue<string>()};base64,{source["data"]?.GetValue<string>()}",
            "url" => source["url"]?.GetValue<string>() ?? throw new TranslationException(param, $"{param}.source.url is required."),
            var other => throw new TranslationException(param, $"image source type '{other}' is not supported (base64 and url are)."),
        };
    }

    private static string ToolResultText(JsonNode? content, string param) => content switch
    {
        null => "",
        JsonValue s when s.GetValueKind() == JsonValueKind.String => s.GetValue<string>(),
        JsonArray blocks => string.Concat(blocks.Select(b => b?["type"]?.GetValue<string>() == "text"
            ? b["text"]?.GetValue<string>() ?? ""
            : throw new TranslationException(param, "tool_result content must be text for this router."))),
        _ => throw new TranslationException(param, "tool_result content must be a string or text blocks."),
    };

    private static JsonArray TranslateTools(JsonArray tools)
    {
        var result = new JsonArray();
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i] as JsonObject ?? throw new TranslationException($"tools.{i}", $"tools.{i} must be an object.");
            var type = tool["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : "custom";
            if (type != "custom" || tool["input_schema"] is not JsonObject schema)
            {
                throw new TranslationException($"tools.{i}", $"tool type '{type}' runs only on Anthropic's own server; this router serves client tools with an input_schema.");
            }

            var function = new JsonObject { ["name"] = tool["name"]?.DeepClone() };
            if (tool["description"] is { } description)
            {
                function["description"] = description.DeepClone();
            }

            function["parameters"] = schema.DeepClone();
            result.AddNode(new JsonObject { ["type"] = "function", ["function"] = function });
        }

        return result;
    }

    private static void TranslateToolChoice(JsonObject choice, JsonObject chat)
    {
        chat["tool_choice"] = choice["type"]?.GetValue<string>() switch
        {
            "auto" => "auto",
            "any" => "required",
            "none" => "none",
            "tool" => new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = choice["name"]?.DeepClone() } },
            var other => throw new TranslationException("tool_choice", $"tool_choice type '{other}' is not one of auto, any, tool, none."),
        };
        if (choice["disable_parallel_tool_use"] is JsonValue d && d.GetValueKind() == JsonValueKind.True)
        {
            chat["parallel_tool_calls"] = false;
        }
    }
}
