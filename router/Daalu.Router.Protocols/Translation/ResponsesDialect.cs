using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.Translation;

/// <summary>
/// The OpenAI Responses API as an inbound dialect: answers are chat completions translated into <c>response</c>
/// objects and Responses streaming events. Errors keep OpenAI's shape (<c>{"error":{message,type,param,code}}</c>),
/// which is what the Responses API itself returns. The router stores nothing, so every response says
/// <c>"store": false</c> whatever the request asked, and cannot be fetched again later.
/// Source: openai npm SDK 7.55.0, resources/responses/responses.d.ts (Response, ResponseOutputMessage,
/// ResponseOutputText, ResponseFunctionToolCall, ResponseUsage).
/// </summary>
public sealed class ResponsesDialect : IInboundDialect
{
    private readonly JsonObject _request;
    private readonly string _model;
    private readonly long _createdAt;

    /// <param name="request">The client's Responses request (read only: the echoed fields come from it).</param>
    /// <param name="id">A unique id for this response (without the <c>resp_</c> prefix); item ids derive from it.</param>
    /// <param name="createdAtUnixSeconds">The response's creation time.</param>
    public ResponsesDialect(JsonObject request, string id, long createdAtUnixSeconds)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(id);
        _request = request;
        Id = id;
        _model = request["model"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : "";
        _createdAt = createdAtUnixSeconds;
    }

    /// <inheritdoc />
    public string Name => "responses";

    /// <summary>The id without prefix; the response is <c>resp_{Id}</c>.</summary>
    public string Id { get; }

    /// <inheritdoc />
    public byte[] Error(int status, string type, string? code, string message, string? param) => OpenAIErrorBody.Build(type, code, message, param);

    /// <inheritdoc />
    public byte[] ReshapeError(int status, ReadOnlySpan<byte> openAiErrorBody) => openAiErrorBody.ToArray();

    /// <inheritdoc />
    public byte[] FromChatCompletion(ReadOnlySpan<byte> chatCompletion)
    {
        var facts = ChatCompletionFacts.Parse(chatCompletion);
        var output = new JsonArray();
        if (!string.IsNullOrEmpty(facts.Text))
        {
            output.AddNode(MessageItem(0, facts.Text, "completed"));
        }

        for (var i = 0; i < facts.ToolCalls.Count; i++)
        {
            var (callId, name, arguments) = facts.ToolCalls[i];
            output.AddNode(FunctionCallItem(i, callId, name, arguments, "completed"));
        }

        var (status, reason) = Outcome(facts.FinishReason);
        var response = Envelope(status, output);
        response["usage"] = Usage(facts.PromptTokens, facts.CompletionTokens, facts.CachedTokens);
        if (reason is not null)
        {
            response["incomplete_details"] = new JsonObject { ["reason"] = reason };
        }

        return SseFrames.Json(response);
    }

    /// <inheritdoc />
    public IChatStreamTranslator CreateStreamTranslator() => new ChatToResponsesStreamTranslator(this);

    internal static (string Status, string? IncompleteReason) Outcome(string? finishReason) => finishReason switch
    {
        "length" => ("incomplete", "max_output_tokens"),
        "content_filter" => ("incomplete", "content_filter"),
        _ => ("completed", null),
    };

    internal string MessageId(int n) => n == 0 ? $"msg_{Id}" : $"msg_{Id}_{n}";

    internal JsonObject MessageItem(int n, string text, string status) => new()
    {
        ["id"] = MessageId(n),
        ["type"] = "message",
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = status == "in_progress" ? new JsonArray() : new JsonArray(OutputText(text)),
    };

    internal static JsonObject OutputText(string text) => new()
    {
        ["type"] = "output_text",
        ["text"] = text,
        ["annotations"] = new JsonArray(),
        ["logprobs"] = new JsonArray(),
    };

    internal string FunctionCallId(int n) => $"fc_{Id}_{n}";

    internal JsonObject FunctionCallItem(int n, string callId, string name, string arguments, string status) => new()
    {
        ["id"] = FunctionCallId(n),
        ["type"] = "function_call",
        ["status"] = status,
        ["call_id"] = callId,
        ["name"] = name,
        ["arguments"] = arguments,
    };

    internal static JsonObject Usage(long input, long output, long cached) => new()
    {
        ["input_tokens"] = input,
        ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = cached },
        ["output_tokens"] = output,
        ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
        ["total_tokens"] = input + output,
    };

    /// <summary>The response object around an output list, echoing the request's settings as OpenAI's server does.</summary>
    internal JsonObject Envelope(string status, JsonArray output)
    {
        var r = new JsonObject
        {
            ["id"] = $"resp_{Id}",
            ["object"] = "response",
            ["created_at"] = _createdAt,
            ["status"] = status,
            ["error"] = null,
            ["incomplete_details"] = null,
            ["instructions"] = Echo("instructions"),
            ["max_output_tokens"] = Echo("max_output_tokens"),
            ["metadata"] = _request["metadata"]?.DeepClone() ?? new JsonObject(),
            ["model"] = _model,
            ["output"] = output,
            ["parallel_tool_calls"] = _request["parallel_tool_calls"]?.DeepClone() ?? true,
            ["previous_response_id"] = null,
            ["store"] = false,
            ["temperature"] = Echo("temperature"),
            ["text"] = _request["text"]?.DeepClone() ?? new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
            ["tool_choice"] = _request["tool_choice"]?.DeepClone() ?? "auto",
            ["tools"] = _request["tools"]?.DeepClone() ?? new JsonArray(),
            ["top_p"] = Echo("top_p"),
            ["truncation"] = "disabled",
            ["usage"] = null,
        };
        return r;
    }

    private JsonNode? Echo(string name) => _request[name]?.DeepClone();
}
