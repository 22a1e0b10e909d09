using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.Translation;

/// <summary>
/// Anthropic <c>/v1/messages</c> response (a whole message, or an error body) to the OpenAI
/// <c>chat.completion</c> / error shape. Pure: no I/O.
/// </summary>
public static class AnthropicResponseTranslator
{
    public static JsonObject ToOpenAI(JsonObject anthropicMessage, string clientModel, long createdUnixSeconds)
    {
        ArgumentNullException.ThrowIfNull(anthropicMessage);
        ArgumentNullException.ThrowIfNull(clientModel);

        if (anthropicMessage["type"].AsString() == "error")
        {
            throw new TranslationException("the Anthropic body is an error, not a message; use ErrorToOpenAI.");
        }

        var text = new System.Text.StringBuilder();
        var toolCalls = new JsonArray();
        if (anthropicMessage["content"] is JsonArray content)
        {
            foreach (var node in content)
            {
                if (node is not JsonObject block)
                {
                    continue;
                }

                switch (block["type"].AsString())
                {
                    case "text":
                        text.Append(block["text"].AsString());
                        break;
                    case "tool_use":
                        toolCalls.AddNode(new JsonObject
                        {
                            ["id"] = block["id"].AsString(),
                            ["type"] = "function",
                            ["function"] = new JsonObject
                            {
                                ["name"] = block["name"].AsString(),
                                ["arguments"] = block["input"]?.ToJsonString() ?? "{}",
                            },
                        });
                        break;
                    default:
                        // thinking, redacted_thinking and server-tool blocks have no OpenAI chat counterpart.
                        break;
                }
            }
        }
        else
        {
            throw new TranslationException("the Anthropic message has no content array.");
        }

        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = text.Length > 0 || toolCalls.Count == 0 ? text.ToString() : null,
        };
        if (toolCalls.Count > 0)
        {
            message["tool_calls"] = toolCalls;
        }

        var (promptTokens, completionTokens) = ReadUsage(anthropicMessage["usage"] as JsonObject);
        return new JsonObject
        {
            ["id"] = "chatcmpl-" + (anthropicMessage["id"].AsString() ?? "anthropic"),
            ["object"] = "chat.completion",
            ["created"] = createdUnixSeconds,
            ["model"] = clientModel,
            ["choices"] = new JsonArray(
                new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = message,
                    ["logprobs"] = null,
                    ["finish_reason"] = AnthropicStopReasons.ToFinishReason(anthropicMessage["stop_reason"].AsString()),
                }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        };
    }

    /// <summary>
    /// An Anthropic error response (any status) as an OpenAI error body. A body that is not Anthropic's
    /// error JSON (a proxy's HTML page, an empty body) still yields a well-formed error.
    /// </summary>
    public static JsonObject ErrorToOpenAI(int statusCode, string anthropicErrorBody)
    {
        string? anthropicType = null;
        string? message = null;
        if (!string.IsNullOrWhiteSpace(anthropicErrorBody))
        {
            try
            {
                if (JsonNode.Parse(anthropicErrorBody) is JsonObject body && body["error"] is JsonObject error)
                {
                    anthropicType = error["type"] is JsonValue t && t.TryGetValue<string>(out var type) ? type : null;
                    message = error["message"] is JsonValue m && m.TryGetValue<string>(out var text) ? text : null;
                }
            }
            catch (JsonException)
            {
                // Not JSON: fall back to the status code below.
            }
        }

        anthropicType ??= TypeFromStatus(statusCode);
        message ??= $"Anthropic returned HTTP {statusCode}.";
        var (openAiType, code) = anthropicType switch
        {
            "invalid_request_error" or "request_too_large" => ("invalid_request_error", anthropicType),
            "authentication_error" => ("authentication_error", "invalid_api_key"),
            "permission_error" => ("permission_error", anthropicType),
            "not_found_error" => ("not_found_error", anthropicType),
            "rate_limit_error" => ("rate_limit_error", "rate_limit_exceeded"),
            "billing_error" => ("insufficient_quota", "insufficient_quota"),
            "timeout_error" => ("timeout", anthropicType),
            // api_error, overloaded_error and anything new on Anthropic's side are the provider's fault.
            _ => ("server_error", anthropicType),
        };

        return new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message,
                ["type"] = openAiType,
                ["param"] = null,
                ["code"] = code,
            },
        };
    }

    internal static (long Prompt, long Completion) ReadUsage(JsonObject? usage)
    {
        if (usage is null)
        {
            return (0, 0);
        }

        // Anthropic counts cached prompt tokens separately; OpenAI's prompt_tokens includes them.
        var prompt = ReadLong(usage, "input_tokens") + ReadLong(usage, "cache_creation_input_tokens") + ReadLong(usage, "cache_read_input_tokens");
        return (prompt, ReadLong(usage, "output_tokens"));
    }

    private static long ReadLong(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;

    private static string TypeFromStatus(int statusCode) => statusCode switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        _ => "api_error",
    };
}
