using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.Translation;

/// <summary>
/// OpenAI Responses API request (<c>POST /v1/responses</c>) to a Chat Completions request, so the cascade and every
/// backend (vLLM, OpenAI, the Anthropic translation) serve it unchanged. Pure; the input is not modified.
/// <para>
/// Source of the wire format: the openai npm SDK 7.55.0, resources/responses/responses.d.ts
/// (ResponseCreateParamsBase, EasyInputMessage, ResponseInputItem.Message, ResponseFunctionToolCall,
/// ResponseInputItem.FunctionCallOutput, FunctionTool, ToolChoiceFunction, ResponseTextConfig) and vLLM's
/// /v1/responses documentation (OpenAI-compatible server). Mapping: <c>instructions</c> -> a system message;
/// <c>input</c> (a string or items) -> messages (message items by role, <c>function_call</c> items -> an assistant
/// message's tool_calls, <c>function_call_output</c> -> tool messages, reasoning items dropped since chat has no
/// place for them); function tools -> chat function tools; <c>max_output_tokens</c> -> <c>max_tokens</c>;
/// <c>text.format</c> -> <c>response_format</c>. What this router cannot do honestly is refused with a
/// <see cref="TranslationException"/> naming the parameter: stored state (<c>previous_response_id</c>,
/// <c>conversation</c>: the router keeps no responses), <c>background</c>, prompt templates, and built-in tools
/// (web search, file search, code interpreter...) that only OpenAI's own server runs.
/// </para>
/// </summary>
public static class ResponsesToChatRequestTranslator
{
    /// <summary>Translates; the returned object has <c>stream_options.include_usage</c> set when it streams, so usage reaches the response.</summary>
    public static JsonObject ToChat(JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request["previous_response_id"] is JsonValue prev && prev.GetValueKind() == JsonValueKind.String)
        {
            throw new TranslationException("previous_response_id", "This router does not store responses, so previous_response_id cannot be resolved. Send the whole conversation in input (and store: false).", "previous_response_not_supported");
        }

        if (request["conversation"] is not null)
        {
            throw new TranslationException("conversation", "This router does not store conversations. Send the whole conversation in input.");
        }

        if (request["background"] is JsonValue bg && bg.GetValueKind() == JsonValueKind.True)
        {
            throw new TranslationException("background", "background responses need stored state, which this router does not keep.");
        }

        if (request["prompt"] is not null)
        {
            throw new TranslationException("prompt", "prompt templates are stored on OpenAI's server; this router cannot resolve them.");
        }

        var chat = new JsonObject { ["model"] = request["model"]?.DeepClone() };
        var messages = new JsonArray();
        if (request["instructions"] is { } instructions)
        {
            if (instructions.GetValueKind() != JsonValueKind.String)
            {
                throw new TranslationException("instructions", "instructions must be a string.");
            }

            messages.AddNode(new JsonObject { ["role"] = "system", ["content"] = instructions.GetValue<string>() });
        }

        switch (request["input"])
        {
            case null:
                throw new TranslationException("input", "you must provide an input parameter");
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                messages.AddNode(new JsonObject { ["role"] = "user", ["content"] = v.GetValue<string>() });
                break;
            case JsonArray items:
                AddItems(items, messages);
                break;
            default:
                throw new TranslationException("input", "input must be a string or an array of items.");
        }

        if (messages.Count == 0)
        {
            throw new TranslationException("input", "input must contain at least one message.");
        }

        chat["messages"] = messages;
        if (request["tools"] is JsonArray tools && tools.Count > 0)
        {
            chat["tools"] = TranslateTools(tools);
        }

        if (request["tool_choice"] is { } choice)
        {
            chat["tool_choice"] = TranslateToolChoice(choice);
        }

        Copy(request, chat, "max_output_tokens", "max_tokens");
        Copy(request, chat, "temperature", "temperature");
        Copy(request, chat, "top_p", "top_p");
        Copy(request, chat, "parallel_tool_calls", "parallel_tool_calls");
        Copy(request, chat, "user", "user");
        Copy(request, chat, "top_logprobs", "top_logprobs");
        if (request["text"] is JsonObject text && text["format"] is JsonObject format)
        {
            var formatType = format["type"]?.GetValue<string>();
            if (formatType == "json_schema")
            {
                var schema = new JsonObject { ["name"] = format["name"]?.DeepClone() ?? "response", ["schema"] = format["schema"]?.DeepClone() };
                if (format["strict"] is { } strict)
                {
                    schema["strict"] = strict.DeepClone();
                }

                chat["response_format"] = new JsonObject { ["type"] = "json_schema", ["json_schema"] = schema };
            }
            else if (formatType == "json_object")
            {
                chat["response_format"] = new JsonObject { ["type"] = "json_object" };
            }
        }

        if (request["stream"] is JsonValue s && s.GetValueKind() == JsonValueKind.True)
        {
            chat["stream"] = true;
            chat["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return chat;
    }

    private static void AddItems(JsonArray items, JsonArray messages)
    {
        JsonObject? openToolTurn = null;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject item)
            {
                throw new TranslationException($"input[{i}]", $"input[{i}] must be an object.");
            }

            var type = item["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : "message";
            switch (type)
            {
                case "message":
                    openToolTurn = null;
                    var role = item["role"] is JsonValue r && r.GetValueKind() == JsonValueKind.String ? r.GetValue<string>() : null;
                    if (role is not ("user" or "assistant" or "system" or "developer"))
                    {
                        throw new TranslationException($"input[{i}].role", $"input[{i}].role must be user, assistant, system or developer.");
                    }

                    var message = new JsonObject { ["role"] = role, ["content"] = TranslateContent(item["content"], $"input[{i}].content") };
                    messages.AddNode(message);
                    if (role == "assistant")
                    {
                        openToolTurn = message;
                    }

                    break;
                case "function_call":
                    var call = new JsonObject
                    {
                        ["id"] = Required(item, "call_id", i),
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = Required(item, "name", i), ["arguments"] = Required(item, "arguments", i) },
                    };
                    if (openToolTurn is null)
                    {
                        openToolTurn = new JsonObject { ["role"] = "assistant", ["content"] = null };
                        messages.AddNode(openToolTurn);
                    }

                    if (openToolTurn["tool_calls"] is not JsonArray calls)
                    {
                        calls = [];
                        openToolTurn["tool_calls"] = calls;
                    }

                    calls.AddNode(call);
                    break;
                case "function_call_output":
                    openToolTurn = null;
                    var output = item["output"] switch
                    {
                        JsonValue o when o.GetValueKind() == JsonValueKind.String => o.GetValue<string>(),
                        JsonArray parts => string.Concat(parts.Select(p => p?["text"] is JsonValue pt && pt.GetValueKind() == JsonValueKind.String ? pt.GetValue<string>() : "")),
                        _ => throw new TranslationException($"input[{i}].output", $"input[{i}].output must be a string or a list of parts."),
                    };
                    messages.AddNode(new JsonObject { ["role"] = "tool", ["tool_call_id"] = Required(item, "call_id", i), ["content"] = output });
                    break;
                case "reasoning":
                    // A previous turn's reasoning: chat requests have no field for it, and the model does not need it.
                    break;
                default:
                    throw new TranslationException($"input[{i}].type", $"input item type '{type}' is not supported by this router (it serves message, function_call and function_call_output items).");
            }
        }
    }

    private static string Required(JsonObject item, string name, int index) =>
        item[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new TranslationException($"input[{index}].{name}", $"input[{index}].{name} must be a string.");

    private static JsonNode TranslateContent(JsonNode? content, string param)
    {
        switch (content)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return v.GetValue<string>();
            case JsonArray parts:
                var result = new JsonArray();
                foreach (var part in parts)
                {
                    var type = part?["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
                    switch (type)
                    {
                        case "input_text" or "output_text" or "text":
                            result.AddNode(new JsonObject { ["type"] = "text", ["text"] = part!["text"]?.DeepClone() ?? "" });
                            break;
                        case "refusal":
                            result.AddNode(new JsonObject { ["type"] = "text", ["text"] = part!["refusal"]?.DeepClone() ?? "" });
                            break;
                        case "input_image":
                            if (part!["image_url"] is not JsonValue url || url.GetValueKind() != JsonValueKind.String)
                            {
                                throw new TranslationException(param, "input_image needs an image_url (file_id images are stored on OpenAI's server).");
                            }

                            var image = new JsonObject { ["url"] = url.GetValue<string>() };
                            if (part["detail"] is JsonValue detail && detail.GetValueKind() == JsonValueKind.String)
                            {
                                image["detail"] = detail.GetValue<string>();
                            }

                            result.AddNode(new JsonObject { ["type"] = "image_url", ["image_url"] = image });
                            break;
                        default:
                            throw new TranslationException(param, $"content part type '{type}' is not supported by this router (it serves input_text, output_text and input_image).");
                    }
                }

                return result;
            default:
                throw new TranslationException(param, $"{param} must be a string or an array of parts.");
        }
    }

    private static JsonArray TranslateTools(JsonArray tools)
    {
        var result = new JsonArray();
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i] as JsonObject ?? throw new TranslationException($"tools[{i}]", $"tools[{i}] must be an object.");
            var type = tool["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
            if (type != "function")
            {
                throw new TranslationException($"tools[{i}].type", $"tool type '{type}' runs only on OpenAI's own server; this router serves function tools.");
            }

            var function = new JsonObject { ["name"] = tool["name"]?.DeepClone() };
            if (tool["description"] is { } description)
            {
                function["description"] = description.DeepClone();
            }

            function["parameters"] = tool["parameters"]?.DeepClone() ?? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
            if (tool["strict"] is JsonValue strict && strict.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                function["strict"] = strict.DeepClone();
            }

            result.AddNode(new JsonObject { ["type"] = "function", ["function"] = function });
        }

        return result;
    }

    private static JsonNode TranslateToolChoice(JsonNode choice)
    {
        if (choice.GetValueKind() == JsonValueKind.String)
        {
            return choice.GetValue<string>();
        }

        if (choice is JsonObject o && o["type"]?.GetValue<string>() == "function" && o["name"] is JsonValue name)
        {
            return new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = name.DeepClone() } };
        }

        throw new TranslationException("tool_choice", "tool_choice must be auto, none, required or a function.");
    }

    private static void Copy(JsonObject from, JsonObject to, string name, string target)
    {
        if (from[name] is { } value && value.GetValueKind() != JsonValueKind.Null)
        {
            to[target] = value.DeepClone();
        }
    }
}
