using System.Buffers;
using System.Text.Json.Nodes;

namespace Daalu.Router.Translation;

/// <summary>
/// Chat Completions chunks to Anthropic Messages streaming events, in the order Anthropic's server sends them:
/// <c>message_start</c> (an empty message), <c>ping</c>; per content block <c>content_block_start</c>,
/// <c>content_block_delta</c> (<c>text_delta</c> or <c>input_json_delta</c>)..., <c>content_block_stop</c>; then
/// <c>message_delta</c> (stop_reason, stop_sequence and the final usage: chat reports usage only at the end, so
/// <c>message_start</c> carries zeros and <c>message_delta</c> the real input and output counts, which the SDK's
/// MessageStream takes as cumulative totals) and <c>message_stop</c>. A broken stream ends with an <c>error</c> event
/// and no <c>message_stop</c>.
/// Source: @anthropic-ai/sdk 1.10.0, resources/messages/messages.d.ts (RawMessageStreamEvent and members,
/// MessageDeltaUsage) and lib/MessageStream.js (event order checks and usage accumulation).
/// </summary>
internal sealed class ChatToMessagesStreamTranslator(AnthropicMessagesDialect dialect) : IChatStreamTranslator
{
    private bool _started;
    private bool _ended;
    private int _blocks;
    private bool _blockOpen;
    private bool _openIsText;
    private int _openChatToolIndex = -1;
    private string? _finishReason;
    private string? _stopSequence;
    private long _input, _output, _cached;

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
            if (!_blockOpen || !_openIsText)
            {
                Close(output);
                Open(output, new JsonObject { ["type"] = "text", ["text"] = "" }, text: true, chatToolIndex: -1);
            }

            Emit(output, "content_block_delta", new JsonObject { ["index"] = _blocks - 1, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = c.Content } });
        }

        foreach (var call in c.ToolCalls)
        {
            if (!_blockOpen || _openIsText || call.Index != _openChatToolIndex)
            {
                Close(output);
                Open(output, new JsonObject
                {
                    ["type"] = "tool_use",
                    ["id"] = call.Id ?? $"toolu_{dialect.Id}_{_blocks}",
                    ["name"] = call.Name ?? "",
                    ["input"] = new JsonObject(),
                }, text: false, chatToolIndex: call.Index);
            }

            if (!string.IsNullOrEmpty(call.Arguments))
            {
                Emit(output, "content_block_delta", new JsonObject { ["index"] = _blocks - 1, ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = call.Arguments } });
            }
        }

        _finishReason = c.FinishReason ?? _finishReason;
        _stopSequence = c.StopSequence ?? _stopSequence;
        if (c.HasUsage)
        {
            (_input, _output, _cached) = (c.PromptTokens, c.CompletionTokens, c.CachedTokens);
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
        var (stopReason, stopSequence) = AnthropicMessagesDialect.StopReason(_finishReason, _stopSequence);
        Emit(output, "message_delta", new JsonObject
        {
            ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = stopSequence },
            ["usage"] = new JsonObject { ["input_tokens"] = _input - _cached, ["cache_read_input_tokens"] = _cached, ["output_tokens"] = _output },
        });
        Emit(output, "message_stop", []);
    }

    public void OnError(string message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_ended)
        {
            return;
        }

        _ended = true;
        SseFrames.Write(output, "error", AnthropicMessagesDialect.ErrorObject("api_error", message));
    }

    private void Start(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        Emit(output, "message_start", new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["id"] = $"msg_{dialect.Id}",
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = dialect.Model,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
            },
        });
        Emit(output, "ping", []);
    }

    private void Open(IBufferWriter<byte> output, JsonObject block, bool text, int chatToolIndex)
    {
        Emit(output, "content_block_start", new JsonObject { ["index"] = _blocks, ["content_block"] = block });
        _blocks++;
        _blockOpen = true;
        _openIsText = text;
        _openChatToolIndex = chatToolIndex;
    }

    private void Close(IBufferWriter<byte> output)
    {
        if (!_blockOpen)
        {
            return;
        }

        Emit(output, "content_block_stop", new JsonObject { ["index"] = _blocks - 1 });
        _blockOpen = false;
        _openChatToolIndex = -1;
    }

    private static void Emit(IBufferWriter<byte> output, string type, JsonObject data)
    {
        var ordered = new JsonObject { ["type"] = type };
        foreach (var (k, v) in data.ToArray())
        {
            data.Remove(k);
            ordered[k] = v;
        }

        SseFrames.Write(output, type, ordered);
    }
}
