using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.TestDoubles.Anthropic;

/// <summary>
/// The request checks api.anthropic.com applies to <c>POST /v1/messages</c>, with its error wording
/// (<c>field: message</c>, paths like <c>messages.1.content.0</c>). Returns null when the body is acceptable.
/// </summary>
internal static class AnthropicRequestValidator
{
    private static readonly HashSet<string> TopLevelFields =
    [
        "model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream", "temperature", "top_p",
        "top_k", "tools", "tool_choice", "thinking", "service_tier", "container", "mcp_servers", "context_management",
    ];

    private static readonly HashSet<string> ImageMediaTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

    public static string? Validate(JsonObject body, bool strictAlternation)
    {
        foreach (var property in body)
        {
            if (!TopLevelFields.Contains(property.Key))
            {
                return $"{property.Key}: Extra inputs are not permitted";
            }
        }

        if (!IsString(body["model"]))
        {
            return body["model"] is null ? "model: Field required" : "model: Input should be a valid string";
        }

        if (body["max_tokens"] is null)
        {
            return "max_tokens: Field required";
        }

        if (body["max_tokens"] is not JsonValue maxTokensValue || maxTokensValue.GetValueKind() != JsonValueKind.Number
            || !maxTokensValue.TryGetValue<int>(out var maxTokens))
        {
            return "max_tokens: Input should be a valid integer";
        }

        if (maxTokens < 1)
        {
            return "max_tokens: Input should be greater than or equal to 1";
        }

        if (body["temperature"] is JsonValue temperatureValue
            && (!temperatureValue.TryGetValue<double>(out var temperature) || temperature < 0 || temperature > 1))
        {
            return "temperature: Input should be less than or equal to 1";
        }

        if (body["stream"] is not null && (body["stream"] is not JsonValue s || s.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)))
        {
            return "stream: Input should be a valid boolean";
        }

        if (body["stop_sequences"] is not null && body["stop_sequences"] is not JsonArray)
        {
            return "stop_sequences: Input should be a valid list";
        }

        if (body["metadata"] is JsonObject metadata)
        {
            foreach (var property in metadata)
            {
                if (property.Key != "user_id")
                {
                    return $"metadata.{property.Key}: Extra inputs are not permitted";
                }
            }
        }

        var systemError = ValidateSystem(body["system"]);
        if (systemError is not null)
        {
            return systemError;
        }

        var toolNames = new HashSet<string>(StringComparer.Ordinal);
        var toolsError = ValidateTools(body["tools"], toolNames);
        if (toolsError is not null)
        {
            return toolsError;
        }

        var toolChoiceError = ValidateToolChoice(body["tool_choice"], toolNames, body["tools"] is not null);
        if (toolChoiceError is not null)
        {
            return toolChoiceError;
        }

        return ValidateMessages(body["messages"], strictAlternation);
    }

    private static string? ValidateSystem(JsonNode? system)
    {
        switch (system)
        {
            case null:
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return null;
            case JsonArray blocks:
                for (var i = 0; i < blocks.Count; i++)
                {
                    if (blocks[i] is not JsonObject block || Str(block["type"]) != "text" || !IsString(block["text"]))
                    {
                        return $"system.{i}: Input should be a valid text block";
                    }

                    if (Str(block["text"])!.Length == 0)
                    {
                        return $"system.{i}: text content blocks must be non-empty";
                    }
                }

                return null;
            default:
                return "system: Input should be a valid string or list of text blocks";
        }
    }

    private static string? ValidateTools(JsonNode? tools, HashSet<string> names)
    {
        if (tools is null)
        {
            return null;
        }

        if (tools is not JsonArray array)
        {
            return "tools: Input should be a valid list";
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject tool)
            {
                return $"tools.{i}: Input should be a valid dictionary";
            }

            foreach (var property in tool)
            {
                if (property.Key is not ("name" or "description" or "input_schema" or "cache_control" or "type"))
                {
                    return $"tools.{i}.custom.{property.Key}: Extra inputs are not permitted";
                }
            }

            var name = Str(tool["name"]);
            if (name is null || name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return $"tools.{i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'";
            }

            if (!names.Add(name))
            {
                return "tools: Tool names must be unique.";
            }

            if (tool["input_schema"] is not JsonObject schema)
            {
                return $"tools.{i}.custom.input_schema: Field required";
            }

            if (Str(schema["type"]) != "object")
            {
                return $"tools.{i}.custom.input_schema.type: Input should be 'object'";
            }
        }

        return null;
    }

    private static string? ValidateToolChoice(JsonNode? toolChoice, HashSet<string> toolNames, bool hasTools)
    {
        if (toolChoice is null)
        {
            return null;
        }

        if (toolChoice is not JsonObject choice)
        {
            return "tool_choice: Input should be a valid dictionary or object to extract fields from";
        }

        switch (Str(choice["type"]))
        {
            case "auto" or "any" or "none":
                break;
            case "tool":
                var name = Str(choice["name"]);
                if (name is null)
                {
                    return "tool_choice.tool.name: Field required";
                }

                if (!toolNames.Contains(name))
                {
                    return $"Tool '{name}' not found in provided tools";
                }

                break;
            default:
                return "tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
        }

        if (!hasTools && Str(choice["type"]) is "any" or "tool")
        {
            return "tool_choice may only be specified while providing tools.";
        }

        return null;
    }

    private static string? ValidateMessages(JsonNode? messagesNode, bool strictAlternation)
    {
        if (messagesNode is null)
        {
            return "messages: Field required";
        }

        if (messagesNode is not JsonArray messages)
        {
            return "messages: Input should be a valid list";
        }

        if (messages.Count == 0)
        {
            return "messages: at least one message is required";
        }

        string? previousRole = null;
        HashSet<string> openToolUses = [];
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message)
            {
                return $"messages.{i}: Input should be a valid dictionary";
            }

            var role = Str(message["role"]);
            if (role is not ("user" or "assistant"))
            {
                return $"messages.{i}.role: Input should be 'user' or 'assistant'";
            }

            if (strictAlternation)
            {
                if (i == 0 && role != "user")
                {
                    return "messages: first message must use the \"user\" role";
                }

                if (role == previousRole)
                {
                    return $"messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"{role}\" roles in a row";
                }
            }

            var blocks = NormalizeContent(message["content"], i, out var contentError);
            if (contentError is not null)
            {
                return contentError;
            }

            var toolUses = new HashSet<string>(StringComparer.Ordinal);
            var answered = new HashSet<string>(StringComparer.Ordinal);
            for (var b = 0; b < blocks!.Count; b++)
            {
                var blockError = ValidateBlock(blocks[b], role, i, b, openToolUses, toolUses, answered);
                if (blockError is not null)
                {
                    return blockError;
                }
            }

            if (openToolUses.Count > 0 && !answered.SetEquals(openToolUses))
            {
                openToolUses.ExceptWith(answered);
                return $"messages.{i}: `tool_use` ids were found without `tool_result` blocks immediately after: {string.Join(", ", openToolUses)}. Each `tool_use` block must have a corresponding `tool_result` block in the next message.";
            }

            openToolUses = toolUses;
            previousRole = role;
        }

        if (openToolUses.Count > 0)
        {
            // The API also accepts a trailing assistant turn with tool_use (prefill) only on models that allow prefill;
            // an unanswered tool_use at the end is the common client bug, so it is refused like the API does.
            return $"messages.{messages.Count - 1}: `tool_use` ids were found without `tool_result` blocks immediately after: {string.Join(", ", openToolUses)}. Each `tool_use` block must have a corresponding `tool_result` block in the next message.";
        }

        return null;
    }

    private static List<JsonObject>? NormalizeContent(JsonNode? content, int index, out string? error)
    {
        error = null;
        switch (content)
        {
            case null:
                error = $"messages.{index}.content: Field required";
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                if (v.GetValue<string>().Length == 0)
                {
                    error = $"messages.{index}: text content blocks must be non-empty";
                    return null;
                }

                return [new JsonObject { ["type"] = "text", ["text"] = v.GetValue<string>() }];
            case JsonArray array:
                if (array.Count == 0)
                {
                    error = $"messages.{index}: all messages must have non-empty content except for the optional final assistant message";
                    return null;
                }

                var blocks = new List<JsonObject>(array.Count);
                for (var b = 0; b < array.Count; b++)
                {
                    if (array[b] is not JsonObject block)
                    {
                        error = $"messages.{index}.content.{b}: Input should be a valid dictionary";
                        return null;
                    }

                    blocks.Add(block);
                }

                return blocks;
            default:
                error = $"messages.{index}.content: Input should be a valid string or list";
                return null;
        }
    }

    private static string? ValidateBlock(JsonObject block, string role, int i, int b, HashSet<string> openToolUses, HashSet<string> toolUses, HashSet<string> answered)
    {
        var where = $"messages.{i}.content.{b}";
        switch (Str(block["type"]))
        {
            case "text":
                if (!IsString(block["text"]))
                {
                    return $"{where}.text.text: Field required";
                }

                return Str(block["text"])!.Length == 0 ? $"{where}: text content blocks must be non-empty" : null;
            case "image":
                if (role != "user")
                {
                    return $"{where}: image content blocks are only allowed in user messages";
                }

                if (block["source"] is not JsonObject source)
                {
                    return $"{where}.image.source: Field required";
                }

                switch (Str(source["type"]))
                {
                    case "base64":
                        if (!ImageMediaTypes.Contains(Str(source["media_type"]) ?? string.Empty))
                        {
                            return $"{where}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'";
                        }

                        var data = Str(source["data"]);
                        if (string.IsNullOrEmpty(data) || !IsBase64(data))
                        {
                            return $"{where}.image.source.base64.data: invalid base64 data";
                        }

                        return null;
                    case "url":
                        var url = Str(source["url"]);
                        return url is not null && (url.StartsWith("https://", StringComparison.Ordinal) || url.StartsWith("http://", StringComparison.Ordinal))
                            ? null
                            : $"{where}.image.source.url.url: Input should be a valid URL";
                    default:
                        return $"{where}.image.source: Input tag does not match any of the expected tags: 'base64', 'url', 'file'";
                }

            case "tool_use":
                if (role != "assistant")
                {
                    return $"{where}: tool_use blocks are only allowed in assistant messages";
                }

                var id = Str(block["id"]);
                if (string.IsNullOrEmpty(id) || !IsString(block["name"]) || block["input"] is not JsonObject)
                {
                    return $"{where}.tool_use: id, name and an input object are required";
                }

                if (!toolUses.Add(id))
                {
                    return $"{where}: `tool_use` ids must be unique";
                }

                return null;
            case "tool_result":
                if (role != "user")
                {
                    return $"{where}: tool_result blocks are only allowed in user messages";
                }

                var toolUseId = Str(block["tool_use_id"]);
                if (string.IsNullOrEmpty(toolUseId) || !openToolUses.Contains(toolUseId))
                {
                    return $"{where}: unexpected `tool_use_id` found in `tool_result` blocks: {toolUseId}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.";
                }

                answered.Add(toolUseId);
                return block["content"] is null or JsonArray || IsString(block["content"])
                    ? null
                    : $"{where}.tool_result.content: Input should be a valid string or list";
            case "thinking" or "redacted_thinking" or "document" or "search_result":
                return null;
            default:
                return $"{where}: Input tag '{Str(block["type"])}' found using 'type' does not match any of the expected tags";
        }
    }

    private static bool IsBase64(string data)
    {
        var buffer = new byte[data.Length];
        return Convert.TryFromBase64String(data, buffer, out _);
    }

    private static bool IsString(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
