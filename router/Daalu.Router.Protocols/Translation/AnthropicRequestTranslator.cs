using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.Translation;

/// <summary>
/// OpenAI <c>/v1/chat/completions</c> request body to Anthropic <c>/v1/messages</c> request body.
/// Pure: no I/O, the input is not modified. What Anthropic cannot express is refused with a
/// <see cref="TranslationException"/> rather than silently dropped, except sampling hints that have
/// no Anthropic counterpart (see docs/anthropic.md for the full table).
/// </summary>
public static class AnthropicRequestTranslator
{
    private static readonly string[] AllowedImageMediaTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

    public static JsonObject ToAnthropic(JsonObject openAiChatRequest, string upstreamModel, int defaultMaxTokens)
    {
        ArgumentNullException.ThrowIfNull(openAiChatRequest);
        ArgumentException.ThrowIfNullOrEmpty(upstreamModel);
        if (defaultMaxTokens <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(defaultMaxTokens), "defaultMaxTokens must be positive.");
        }

        RefuseInexpressible(openAiChatRequest);

        var result = new JsonObject { ["model"] = upstreamModel };

        var systemTexts = new List<string>();
        var turns = TranslateMessages(openAiChatRequest["messages"], systemTexts);
        if (systemTexts.Count == 1)
        {
            result["system"] = systemTexts[0];
        }
        else if (systemTexts.Count > 1)
        {
            var system = new JsonArray();
            foreach (var text in systemTexts)
            {
                system.AddNode(new JsonObject { ["type"] = "text", ["text"] = text });
            }

            result["system"] = system;
        }

        var messages = new JsonArray();
        foreach (var turn in turns)
        {
            messages.AddNode(turn.ToJson());
        }

        result["messages"] = messages;
        result["max_tokens"] = ReadMaxTokens(openAiChatRequest, defaultMaxTokens);

        if (ReadNumber(openAiChatRequest, "temperature") is { } temperature)
        {
            if (temperature < 0)
            {
                throw new TranslationException("temperature must be >= 0.");
            }

            // OpenAI allows 0..2, Anthropic 0..1: the hottest Anthropic setting is the closest expression.
            result["temperature"] = Math.Min(temperature, 1.0);
        }

        if (ReadNumber(openAiChatRequest, "top_p") is { } topP)
        {
            result["top_p"] = topP;
        }

        if (TranslateStop(openAiChatRequest["stop"]) is { } stopSequences)
        {
            result["stop_sequences"] = stopSequences;
        }

        if (openAiChatRequest["stream"] is JsonValue streamValue && streamValue.TryGetValue<bool>(out var stream) && stream)
        {
            result["stream"] = true;
        }

        if (openAiChatRequest["user"] is JsonValue userValue && userValue.TryGetValue<string>(out var user) && user.Length > 0)
        {
            result["metadata"] = new JsonObject { ["user_id"] = user };
        }

        var tools = TranslateTools(openAiChatRequest["tools"]);
        if (tools is not null)
        {
            result["tools"] = tools;
            if (TranslateToolChoice(openAiChatRequest["tool_choice"], openAiChatRequest["parallel_tool_calls"]) is { } toolChoice)
            {
                result["tool_choice"] = toolChoice;
            }
        }

        return result;
    }

    private static void RefuseInexpressible(JsonObject request)
    {
        if (request["n"] is JsonValue nValue && nValue.TryGetValue<double>(out var n) && n > 1)
        {
            throw new TranslationException("n > 1 cannot be expressed for an Anthropic provider (one completion per request).");
        }

        if (request["logprobs"] is JsonValue logprobsValue && logprobsValue.TryGetValue<bool>(out var logprobs) && logprobs)
        {
            throw new TranslationException("logprobs cannot be expressed for an Anthropic provider.");
        }

        if (request["top_logprobs"] is JsonValue topLogprobs && topLogprobs.GetValueKind() == JsonValueKind.Number)
        {
            throw new TranslationException("top_logprobs cannot be expressed for an Anthropic provider.");
        }

        if (request["audio"] is JsonObject)
        {
            throw new TranslationException("audio output cannot be expressed for an Anthropic provider.");
        }

        if (request["modalities"] is JsonArray modalities)
        {
            foreach (var modality in modalities)
            {
                if (modality is JsonValue m && m.TryGetValue<string>(out var name) && name != "text")
                {
                    throw new TranslationException($"modality '{name}' cannot be expressed for an Anthropic provider.");
                }
            }
        }

        if (request["response_format"] is JsonObject responseFormat
            && responseFormat["type"] is JsonValue formatType
            && formatType.TryGetValue<string>(out var format)
            && format != "text")
        {
            throw new TranslationException($"response_format '{format}' cannot be expressed for an Anthropic provider.");
        }

        if (request["functions"] is not null || request["function_call"] is not null)
        {
            throw new TranslationException("the legacy functions/function_call fields are not supported; use tools/tool_choice.");
        }
    }

    private static int ReadMaxTokens(JsonObject request, int defaultMaxTokens)
    {
        var node = request["max_completion_tokens"] ?? request["max_tokens"];
        if (node is null)
        {
            return defaultMaxTokens;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<int>(out var maxTokens) || maxTokens < 1)
        {
            throw new TranslationException("max_tokens / max_completion_tokens must be a positive integer.");
        }

        return maxTokens;
    }

    private static double? ReadNumber(JsonObject request, string name)
    {
        var node = request[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number))
        {
            return number;
        }

        throw new TranslationException($"{name} must be a number.");
    }

    private static JsonArray? TranslateStop(JsonNode? stop)
    {
        switch (stop)
        {
            case null:
                return null;
            case JsonValue single when single.TryGetValue<string>(out var text):
                return new JsonArray(text);
            case JsonArray many:
                var result = new JsonArray();
                foreach (var item in many)
                {
                    if (item is not JsonValue v || !v.TryGetValue<string>(out var s))
                    {
                        throw new TranslationException("stop must be a string or an array of strings.");
                    }

                    result.AddNode(s);
                }

                return result.Count == 0 ? null : result;
            default:
                throw new TranslationException("stop must be a string or an array of strings.");
        }
    }

    private static List<Turn> TranslateMessages(JsonNode? messagesNode, List<string> systemTexts)
    {
        if (messagesNode is not JsonArray messages || messages.Count == 0)
        {
            throw new TranslationException("messages must be a non-empty array.");
        }

        var turns = new List<Turn>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message)
            {
                throw new TranslationException($"messages[{i}] must be an object.");
            }

            var role = message["role"] is JsonValue r && r.TryGetValue<string>(out var roleName) ? roleName : null;
            switch (role)
            {
                case "system" or "developer":
                    // Anthropic has one top-level system prompt; system messages keep their order but lose their position.
                    systemTexts.Add(ReadPlainText(message["content"], i, allowEmpty: true));
                    break;
                case "user":
                    Append(turns, "user", TranslateUserContent(message["content"], i), i);
                    break;
                case "assistant":
                    Append(turns, "assistant", TranslateAssistant(message, i), i);
                    break;
                case "tool":
                    Append(turns, "user", [TranslateToolResult(message, i)], i);
                    break;
                case "function":
                    throw new TranslationException($"messages[{i}]: the legacy 'function' role is not supported; use tool messages.");
                default:
                    throw new TranslationException($"messages[{i}].role must be one of system, developer, user, assistant, tool.");
            }
        }

        if (turns.Count == 0)
        {
            throw new TranslationException("at least one user or assistant message is required.");
        }

        return turns;
    }

    private static void Append(List<Turn> turns, string role, List<JsonObject> blocks, int index)
    {
        if (blocks.Count == 0)
        {
            if (role == "assistant")
            {
                // An empty assistant turn carries nothing; Anthropic would reject it.
                return;
            }

            throw new TranslationException($"messages[{index}] has no content.");
        }

        // Anthropic wants alternating turns, so consecutive same-role messages become one turn.
        if (turns.Count > 0 && turns[^1].Role == role)
        {
            turns[^1].Blocks.AddRange(blocks);
        }
        else
        {
            turns.Add(new Turn(role, blocks));
        }
    }

    private static List<JsonObject> TranslateUserContent(JsonNode? content, int index)
    {
        var blocks = new List<JsonObject>();
        switch (content)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                AddText(blocks, text);
                break;
            case JsonArray parts:
                for (var p = 0; p < parts.Count; p++)
                {
                    if (parts[p] is not JsonObject part)
                    {
                        throw new TranslationException($"messages[{index}].content[{p}] must be an object.");
                    }

                    var type = part["type"] is JsonValue t && t.TryGetValue<string>(out var typeName) ? typeName : null;
                    switch (type)
                    {
                        case "text":
                            AddText(blocks, ReadString(part, "text", $"messages[{index}].content[{p}].text"));
                            break;
                        case "image_url":
                            blocks.Add(TranslateImage(part["image_url"], $"messages[{index}].content[{p}]"));
                            break;
                        case "input_audio":
                            throw new TranslationException($"messages[{index}].content[{p}]: audio input cannot be expressed for an Anthropic provider.");
                        case "file":
                            throw new TranslationException($"messages[{index}].content[{p}]: file parts cannot be expressed for an Anthropic provider.");
                        default:
                            throw new TranslationException($"messages[{index}].content[{p}]: unsupported content part type '{type}'.");
                    }
                }

                break;
            default:
                throw new TranslationException($"messages[{index}].content must be a string or an array of content parts.");
        }

        return blocks;
    }

    private static JsonObject TranslateImage(JsonNode? imageUrl, string where)
    {
        var url = imageUrl switch
        {
            JsonObject o => o["url"] is JsonValue u && u.TryGetValue<string>(out var s) ? s : null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => null,
        };
        if (string.IsNullOrEmpty(url))
        {
            throw new TranslationException($"{where}.image_url.url is required.");
        }

        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            // data:<media type>;base64,<data>
            var comma = url.IndexOf(',', StringComparison.Ordinal);
            var header = comma > 5 ? url.AsSpan(5, comma - 5) : default;
            const string Base64Suffix = ";base64";
            if (comma < 0 || !header.EndsWith(Base64Suffix, StringComparison.OrdinalIgnoreCase))
            {
                throw new TranslationException($"{where}: only base64 data URLs can be expressed for an Anthropic provider.");
            }

            var mediaType = header[..^Base64Suffix.Length].ToString().ToLowerInvariant();
            if (Array.IndexOf(AllowedImageMediaTypes, mediaType) < 0)
            {
                throw new TranslationException($"{where}: image media type '{mediaType}' is not supported by Anthropic (jpeg, png, gif, webp).");
            }

            return new JsonObject
            {
                ["type"] = "image",
                ["source"] = new JsonObject
                {
                    ["type"] = "base64",
                    ["media_type"] = mediaType,
                    ["data"] = url[(comma + 1)..],
                },
            };
        }

        if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return new JsonObject
            {
                ["type"] = "image",
                ["source"] = new JsonObject { ["type"] = "url", ["url"] = url },
            };
        }

        throw new TranslationException($"{where}: image URLs must be http(s) or base64 data URLs.");
    }

    private static List<JsonObject> TranslateAssistant(JsonObject message, int index)
    {
        var blocks = new List<JsonObject>();
        var content = message["content"];
        if (content is not null)
        {
            AddText(blocks, ReadPlainText(content, index, allowEmpty: true));
        }

        if (message["tool_calls"] is JsonArray toolCalls)
        {
            for (var c = 0; c < toolCalls.Count; c++)
            {
                var where = $"messages[{index}].tool_calls[{c}]";
                if (toolCalls[c] is not JsonObject call || call["function"] is not JsonObject function)
                {
                    throw new TranslationException($"{where} must be an object with a function.");
                }

                var id = ReadString(call, "id", $"{where}.id");
                var name = ReadString(function, "name", $"{where}.function.name");
                var arguments = function["arguments"] is JsonValue a && a.TryGetValue<string>(out var args) ? args : null;
                blocks.Add(new JsonObject
                {
                    ["type"] = "tool_use",
                    ["id"] = id,
                    ["name"] = name,
                    ["input"] = ParseArguments(arguments, where),
                });
            }
        }
        else if (message["tool_calls"] is not null)
        {
            throw new TranslationException($"messages[{index}].tool_calls must be an array.");
        }

        return blocks;
    }

    private static JsonObject ParseArguments(string? arguments, string where)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return [];
        }

        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(arguments);
        }
        catch (JsonException ex)
        {
            throw new TranslationException($"{where}.function.arguments is not valid JSON.", ex);
        }

        return parsed as JsonObject
            ?? throw new TranslationException($"{where}.function.arguments must be a JSON object.");
    }

    private static JsonObject TranslateToolResult(JsonObject message, int index)
    {
        var id = ReadString(message, "tool_call_id", $"messages[{index}].tool_call_id");
        var block = new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = id };
        var text = ReadPlainText(message["content"], index, allowEmpty: true);
        if (text.Length > 0)
        {
            block["content"] = text;
        }

        return block;
    }

    private static string ReadPlainText(JsonNode? content, int index, bool allowEmpty)
    {
        switch (content)
        {
            case null:
                return allowEmpty ? string.Empty : throw new TranslationException($"messages[{index}].content is required.");
            case JsonValue value when value.TryGetValue<string>(out var text):
                return text;
            case JsonArray parts:
                var joined = new System.Text.StringBuilder();
                for (var p = 0; p < parts.Count; p++)
                {
                    if (parts[p] is not JsonObject part
                        || part["type"] is not JsonValue t
                        || !t.TryGetValue<string>(out var type)
                        || (type != "text" && type != "refusal"))
                    {
                        throw new TranslationException($"messages[{index}].content[{p}]: only text parts are allowed in this message.");
                    }

                    if (joined.Length > 0)
                    {
                        joined.Append('\n');
                    }

                    joined.Append(ReadString(part, type, $"messages[{index}].content[{p}].{type}"));
                }

                return joined.ToString();
            default:
                throw new TranslationException($"messages[{index}].content must be a string or an array of text parts.");
        }
    }

    private static void AddText(List<JsonObject> blocks, string text)
    {
        // Anthropic rejects empty text blocks.
        if (text.Length > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        }
    }

    private static string ReadString(JsonObject obj, string name, string where) =>
        obj[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0
            ? s
            : throw new TranslationException($"{where} must be a non-empty string.");

    private static JsonArray? TranslateTools(JsonNode? toolsNode)
    {
        switch (toolsNode)
        {
            case null:
                return null;
            case JsonArray { Count: 0 }:
                return null;
            case JsonArray tools:
                var result = new JsonArray();
                for (var i = 0; i < tools.Count; i++)
                {
                    if (tools[i] is not JsonObject tool
                        || tool["type"] is not JsonValue t
                        || !t.TryGetValue<string>(out var type)
                        || type != "function"
                        || tool["function"] is not JsonObject function)
                    {
                        throw new TranslationException($"tools[{i}]: only function tools can be expressed for an Anthropic provider.");
                    }

                    var translated = new JsonObject { ["name"] = ReadString(function, "name", $"tools[{i}].function.name") };
                    if (function["description"] is JsonValue d && d.TryGetValue<string>(out var description) && description.Length > 0)
                    {
                        translated["description"] = description;
                    }

                    translated["input_schema"] = function["parameters"] switch
                    {
                        null => new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
                        JsonObject parameters => parameters.DeepClone(),
                        _ => throw new TranslationException($"tools[{i}].function.parameters must be a JSON schema object."),
                    };
                    result.AddNode(translated);
                }

                return result;
            default:
                throw new TranslationException("tools must be an array.");
        }
    }

    private static JsonObject? TranslateToolChoice(JsonNode? toolChoice, JsonNode? parallelToolCalls)
    {
        JsonObject? result = toolChoice switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s switch
            {
                "auto" => new JsonObject { ["type"] = "auto" },
                "none" => new JsonObject { ["type"] = "none" },
                "required" => new JsonObject { ["type"] = "any" },
                _ => throw new TranslationException($"tool_choice '{s}' is not one of auto, none, required."),
            },
            JsonObject o when o["function"] is JsonObject f => new JsonObject
            {
                ["type"] = "tool",
                ["name"] = ReadString(f, "name", "tool_choice.function.name"),
            },
            _ => throw new TranslationException("tool_choice must be auto, none, required or {\"type\":\"function\",\"function\":{\"name\":...}}."),
        };

        if (parallelToolCalls is JsonValue p && p.TryGetValue<bool>(out var parallel) && !parallel)
        {
            result ??= new JsonObject { ["type"] = "auto" };
            if (result["type"].AsString() != "none")
            {
                result["disable_parallel_tool_use"] = true;
            }
        }

        return result;
    }

    private sealed class Turn(string role, List<JsonObject> blocks)
    {
        public string Role { get; } = role;

        public List<JsonObject> Blocks { get; } = blocks;

        public JsonObject ToJson()
        {
            var content = new JsonArray();
            // Anthropic wants tool_result blocks first in a user turn (they answer the previous assistant turn).
            foreach (var block in Blocks)
            {
                if (IsToolResult(block))
                {
                    content.AddNode(block);
                }
            }

            foreach (var block in Blocks)
            {
                if (!IsToolResult(block))
                {
                    content.AddNode(block);
                }
            }

            return new JsonObject { ["role"] = Role, ["content"] = content };
        }

        private static bool IsToolResult(JsonObject block) =>
            string.Equals(block["type"].AsString(), "tool_result", StringComparison.Ordinal);
    }
}
