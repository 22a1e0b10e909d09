using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.Translation;

/// <summary>
/// Anthropic's Messages API as an inbound dialect: chat completions become <c>message</c> objects, chat chunks become
/// Messages streaming events, and errors take Anthropic's shape <c>{"type":"error","error":{"type","message"}}</c>
/// with its error types per status (invalid_request_error 400, authentication_error 401, permission_error 403,
/// not_found_error 404, request_too_large 413, rate_limit_error 429, api_error 500, overloaded_error 529/503).
/// Sources: @anthropic-ai/sdk 1.10.0 resources/messages/messages.d.ts (Message, ContentBlock, Usage, StopReason) and
/// its core/error.ts status classes; Anthropic's published error list (docs.anthropic.com "Errors").
/// </summary>
public sealed class AnthropicMessagesDialect : IInboundDialect
{
    private readonly string _model;

    /// <param name="model">The model the client asked for (echoed in every message).</param>
    /// <param name="id">A unique id for this message (without the <c>msg_</c> prefix).</param>
    public AnthropicMessagesDialect(string model, string id)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(id);
        _model = model;
        Id = id;
    }

    /// <inheritdoc />
    public string Name => "anthropic-messages";

    /// <summary>The id without prefix; the message is <c>msg_{Id}</c>.</summary>
    public string Id { get; }

    internal string Model => _model;

    /// <inheritdoc />
    public byte[] Error(int status, string type, string? code, string message, string? param) => Build(ErrorType(status, type), message);

    /// <inheritdoc />
    public byte[] ReshapeError(int status, ReadOnlySpan<byte> openAiErrorBody)
    {
        string? type = null, message = null;
        try
        {
            using var doc = JsonDocument.Parse(openAiErrorBody.ToArray());
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                type = e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                message = e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            }
        }
        catch (JsonException)
        {
        }

        return Build(ErrorType(status, type ?? ""), message ?? $"upstream answered {status}");
    }

    /// <summary>Anthropic's error type for a status (the status decides; the OpenAI type only refines 400s).</summary>
    public static string ErrorType(int status, string openAiType) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        402 or 403 => openAiType == "insufficient_quota" ? "billing_error" : "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => openAiType == "insufficient_quota" ? "rate_limit_error" : "rate_limit_error",
        503 or 529 => "overloaded_error",
        504 => "timeout_error",
        _ => "api_error",
    };

    internal static byte[] Build(string type, string message) => SseFrames.Json(ErrorObject(type, message));

    internal static JsonObject ErrorObject(string type, string message) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
    };

    /// <inheritdoc />
    public byte[] FromChatCompletion(ReadOnlySpan<byte> chatCompletion)
    {
        var facts = ChatCompletionFacts.Parse(chatCompletion);
        var content = new JsonArray();
        if (!string.IsNullOrEmpty(facts.Text))
        {
            content.AddNode(new JsonObject { ["type"] = "text", ["text"] = facts.Text });
        }

        foreach (var (id, name, arguments) in facts.ToolCalls)
        {
            content.AddNode(new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = ParseInput(arguments) });
        }

        var (stopReason, stopSequence) = StopReason(facts.FinishReason, facts.StopSequence);
        return SseFrames.Json(new JsonObject
        {
            ["id"] = $"msg_{Id}",
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = _model,
            ["content"] = content,
            ["stop_reason"] = stopReason,
            ["stop_sequence"] = stopSequence,
            ["usage"] = new JsonObject { ["input_tokens"] = facts.PromptTokens - facts.CachedTokens, ["cache_read_input_tokens"] = facts.CachedTokens, ["output_tokens"] = facts.CompletionTokens },
        });
    }

    /// <inheritdoc />
    public IChatStreamTranslator CreateStreamTranslator() => new ChatToMessagesStreamTranslator(this);

    /// <summary>OpenAI finish_reason (plus vLLM's matched stop string) to Anthropic stop_reason and stop_sequence.</summary>
    internal static (string StopReason, string? StopSequence) StopReason(string? finishReason, string? stopSequence) => finishReason switch
    {
        "length" => ("max_tokens", null),
        "tool_calls" or "function_call" => ("tool_use", null),
        "content_filter" => ("refusal", null),
        _ when stopSequence is not null => ("stop_sequence", stopSequence),
        _ => ("end_turn", null),
    };

    // A model's arguments are usually a JSON object; anything else is kept as the one field a client can show.
    internal static JsonNode ParseInput(string arguments)
    {
        try
        {
            if (JsonNode.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments) is JsonObject o)
            {
                return o;
            }
        }
        catch (JsonException)
        {
        }

        return new JsonObject { ["arguments"] = arguments };
    }
}
