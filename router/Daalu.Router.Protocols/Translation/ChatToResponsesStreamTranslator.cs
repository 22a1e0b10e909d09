using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;

namespace Daalu.Router.Translation;

/// <summary>
/// Chat Completions chunks to OpenAI Responses streaming events, in the order OpenAI's server sends them:
/// <c>response.created</c>, <c>response.in_progress</c>; per output item <c>response.output_item.added</c>, then for a
/// message <c>response.content_part.added</c>, <c>response.output_text.delta</c>..., <c>response.output_text.done</c>,
/// <c>response.content_part.done</c>, or for a function call <c>response.function_call_arguments.delta</c>...,
/// <c>response.function_call_arguments.done</c>; then <c>response.output_item.done</c>; finally
/// <c>response.completed</c> (or <c>response.incomplete</c> when the model hit max_output_tokens) carrying the whole
/// response and its usage. Every event has a <c>sequence_number</c> counting from 0. A broken stream ends with an
/// <c>error</c> event and <c>response.failed</c>, never <c>response.completed</c>.
/// Source: openai npm SDK 7.55.0, resources/responses/responses.d.ts (ResponseStreamEvent and its members) and
/// lib/responses/ResponseStream.js, which checks this order (lifecycle identity, output indexes, no unfinished items
/// at completion).
/// </summary>
internal sealed class ChatToResponsesStreamTranslator(ResponsesDialect dialect) : IChatStreamTranslator
{
    private readonly JsonArray _output = [];
    private readonly StringBuilder _text = new();
    private int _sequence;
    private bool _started;
    private bool _ended;
    private OpenItem _open;
    private int _openChatToolIndex = -1;
    private string _openCallId = "";
    private string _openName = "";
    private int _messages;
    private int _calls;
    private string? _finishReason;
    private long _input, _outputTokens, _cached;

    private enum OpenItem
    {
        None,
        Message,
        FunctionCall,
    }

    public void OnChunk(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_ended)
        {
            return;
        }

        var c = ChatChunk.Parse(chunk);
        if (c.ErrorMessage is { } error)
        {
            OnError(error, output);
            return;
        }

        Start(output);
        if (!string.IsNullOrEmpty(c.Content))
        {
            if (_open != OpenItem.Message)
            {
                Close(output);
                OpenMessage(output);
            }

            _text.Append(c.Content);
            Emit(output, "response.output_text.delta", new JsonObject
            {
                ["item_id"] = dialect.MessageId(_messages - 1),
                ["output_index"] = _output.Count,
                ["content_index"] = 0,
                ["delta"] = c.Content,
                ["logprobs"] = new JsonArray(),
            });
        }

        foreach (var call in c.ToolCalls)
        {
            if (_open != OpenItem.FunctionCall || call.Index != _openChatToolIndex)
            {
                Close(output);
                _open = OpenItem.FunctionCall;
                _openChatToolIndex = call.Index;
                _openCallId = call.Id ?? $"call_{dialect.Id}_{_calls}";
                _openName = call.Name ?? "";
                _text.Clear();
                Emit(output, "response.output_item.added", new JsonObject
                {
                    ["output_index"] = _output.Count,
                    ["item"] = dialect.FunctionCallItem(_calls, _openCallId, _openName, "", "in_progress"),
                });
            }

            if (!string.IsNullOrEmpty(call.Arguments))
            {
                _text.Append(call.Arguments);
                Emit(output, "response.function_call_arguments.delta", new JsonObject
                {
                    ["item_id"] = dialect.FunctionCallId(_calls),
                    ["output_index"] = _output.Count,
                    ["delta"] = call.Arguments,
                });
            }
        }

        _finishReason = c.FinishReason ?? _finishReason;
        if (c.HasUsage)
        {
            (_input, _outputTokens, _cached) = (c.PromptTokens, c.CompletionTokens, c.CachedTokens);
        }
    }

    public void OnDone(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_ended)
        {
            return;
        }

        Start(output);
        Close(output);
        _ended = true;
        var (status, reason) = ResponsesDialect.Outcome(_finishReason);
        var response = dialect.Envelope(status, (JsonArray)_output.DeepClone());
        response["usage"] = ResponsesDialect.Usage(_input, _outputTokens, _cached);
        if (reason is not null)
        {
            response["incomplete_details"] = new JsonObject { ["reason"] = reason };
        }

        Emit(output, status == "completed" ? "response.completed" : "response.incomplete", new JsonObject { ["response"] = response });
    }

    public void OnError(string message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_ended)
        {
            return;
        }

        Start(output);
        _ended = true;
        Emit(output, "error", new JsonObject { ["code"] = "server_error", ["message"] = message, ["param"] = null });
        var response = dialect.Envelope("failed", (JsonArray)_output.DeepClone());
        response["error"] = new JsonObject { ["code"] = "server_error", ["message"] = message };
        Emit(output, "response.failed", new JsonObject { ["response"] = response });
    }

    private void Start(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        Emit(output, "response.created", new JsonObject { ["response"] = dialect.Envelope("in_progress", []) });
        Emit(output, "response.in_progress", new JsonObject { ["response"] = dialect.Envelope("in_progress", []) });
    }

    private void OpenMessage(IBufferWriter<byte> output)
    {
        _open = OpenItem.Message;
        _text.Clear();
        var n = _messages++;
        Emit(output, "response.output_item.added", new JsonObject { ["output_index"] = _output.Count, ["item"] = dialect.MessageItem(n, "", "in_progress") });
        Emit(output, "response.content_part.added", new JsonObject
        {
            ["item_id"] = dialect.MessageId(n),
            ["output_index"] = _output.Count,
            ["content_index"] = 0,
            ["part"] = ResponsesDialect.OutputText(""),
        });
    }

    private void Close(IBufferWriter<byte> output)
    {
        var text = _text.ToString();
        switch (_open)
        {
            case OpenItem.Message:
                var id = dialect.MessageId(_messages - 1);
                Emit(output, "response.output_text.done", new JsonObject
                {
                    ["item_id"] = id,
                    ["output_index"] = _output.Count,
                    ["content_index"] = 0,
                    ["text"] = text,
                    ["logprobs"] = new JsonArray(),
                });
                Emit(output, "response.content_part.done", new JsonObject
                {
                    ["item_id"] = id,
                    ["output_index"] = _output.Count,
                    ["content_index"] = 0,
                    ["part"] = ResponsesDialect.OutputText(text),
                });
                var message = dialect.MessageItem(_messages - 1, text, "completed");
                Emit(output, "response.output_item.done", new JsonObject { ["output_index"] = _output.Count, ["item"] = message.DeepClone() });
                _output.AddNode(message);
                break;
            case OpenItem.FunctionCall:
                Emit(output, "response.function_call_arguments.done", new JsonObject
                {
                    ["item_id"] = dialect.FunctionCallId(_calls),
                    ["output_index"] = _output.Count,
                    ["name"] = _openName,
                    ["arguments"] = text,
                });
                var call = dialect.FunctionCallItem(_calls, _openCallId, _openName, text, "completed");
                Emit(output, "response.output_item.done", new JsonObject { ["output_index"] = _output.Count, ["item"] = call.DeepClone() });
                _output.AddNode(call);
                _calls++;
                _openChatToolIndex = -1;
                break;
        }

        _open = OpenItem.None;
        _text.Clear();
    }

    private void Emit(IBufferWriter<byte> output, string type, JsonObject data)
    {
        // type first and sequence_number last, as OpenAI's server writes them.
        var ordered = new JsonObject { ["type"] = type };
        foreach (var (k, v) in data.ToArray())
        {
            data.Remove(k);
            ordered[k] = v;
        }

        ordered["sequence_number"] = _sequence++;
        SseFrames.Write(output, type, ordered);
    }
}
