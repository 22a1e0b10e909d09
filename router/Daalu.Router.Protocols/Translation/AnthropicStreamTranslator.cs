using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Daalu.Router.Translation;

/// <summary>
/// Turns one Anthropic <c>/v1/messages</c> SSE stream into the <c>chat.completion.chunk</c> payloads an
/// OpenAI or vLLM server would have sent. One instance per response; not thread-safe.
/// <para>
/// Event mapping: <c>message_start</c> gives the role chunk; <c>content_block_start</c> of a tool_use block gives
/// the tool call header (index, id, type, name, empty arguments); text and input_json deltas give content and
/// argument fragments; <c>message_delta</c> gives the finish_reason chunk; <c>message_stop</c> gives the usage
/// chunk (only when the client asked for it) and sets <see cref="Finished"/>. <c>ping</c>, thinking blocks and
/// unknown event types (Anthropic may add some) produce nothing. An <c>error</c> event sets <see cref="Error"/>
/// and never <see cref="Finished"/>: the caller then ends the stream with an in-band error, not <c>[DONE]</c>.
/// </para>
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The writer only wraps an in-memory buffer; disposing it just flushes, which every chunk already does.")]
public sealed class AnthropicStreamTranslator
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly string _clientModel;
    private readonly long _created;
    private readonly bool _includeUsage;
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;

    // Anthropic content block index -> OpenAI tool_calls index (-1: not a tool block).
    private readonly List<int> _toolIndexByBlock = [];
    private string _id = "chatcmpl-anthropic";
    private int _toolCount;
    private bool _started;
    private bool _finishSent;
    private long _inputTokens;
    private long _cacheCreationTokens;
    private long _cacheReadTokens;

    public AnthropicStreamTranslator(string clientModel, long createdUnixSeconds, bool includeUsage)
    {
        ArgumentNullException.ThrowIfNull(clientModel);
        _clientModel = clientModel;
        _created = createdUnixSeconds;
        _includeUsage = includeUsage;
        _writer = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    /// <summary>True once <c>message_stop</c> arrived after a clean message: the caller may send <c>[DONE]</c>.</summary>
    public bool Finished { get; private set; }

    /// <summary>Prompt tokens including cache creation and cache reads, as OpenAI counts them.</summary>
    public long PromptTokens => _inputTokens + _cacheCreationTokens + _cacheReadTokens;

    /// <summary>Output tokens so far (Anthropic's counts are cumulative; the last one wins).</summary>
    public long CompletionTokens { get; private set; }

    /// <summary>The upstream's in-stream error as "type: message", or a protocol violation; null while healthy.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// Feeds one SSE event. <paramref name="eventName"/> is the <c>event:</c> line (may be empty: the
    /// <c>type</c> field of the data decides). Appends zero or more chunk payloads to <paramref name="output"/>.
    /// </summary>
    public void OnEvent(string eventName, ReadOnlySpan<byte> data, List<string> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Finished || Error is not null)
        {
            return;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(data);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            Error = $"invalid JSON in Anthropic '{eventName}' event";
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error = $"Anthropic '{eventName}' event data is not an object";
                return;
            }

            var type = root.TryGetProperty("type"u8, out var typeElement) && typeElement.ValueKind == JsonValueKind.String
                ? typeElement.GetString()
                : eventName;

            switch (type)
            {
                case "message_start":
                    OnMessageStart(root, output);
                    break;
                case "content_block_start":
                    OnContentBlockStart(root, output);
                    break;
                case "content_block_delta":
                    OnContentBlockDelta(root, output);
                    break;
                case "message_delta":
                    OnMessageDelta(root, output);
                    break;
                case "message_stop":
                    OnMessageStop(output);
                    break;
                case "error":
                    OnError(root);
                    break;
                default:
                    // ping, content_block_stop, and event types added later carry nothing for the client.
                    break;
            }
        }
    }

    private void OnMessageStart(JsonElement root, List<string> output)
    {
        if (root.TryGetProperty("message"u8, out var message) && message.ValueKind == JsonValueKind.Object)
        {
            if (message.TryGetProperty("id"u8, out var id) && id.ValueKind == JsonValueKind.String)
            {
                _id = "chatcmpl-" + id.GetString();
            }

            if (message.TryGetProperty("usage"u8, out var usage))
            {
                ReadUsage(usage);
            }
        }

        if (_started)
        {
            return;
        }

        _started = true;
        WriteChunkStart();
        _writer.WriteString("role"u8, "assistant"u8);
        _writer.WriteString("content"u8, ""u8);
        output.Add(WriteChunkEnd(null));
    }

    private void OnContentBlockStart(JsonElement root, List<string> output)
    {
        EnsureStarted(output);
        var blockIndex = root.TryGetProperty("index"u8, out var indexElement) && indexElement.TryGetInt32(out var i) ? i : _toolIndexByBlock.Count;
        if (!root.TryGetProperty("content_block"u8, out var block) || block.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var blockType = block.TryGetProperty("type"u8, out var t) ? t.GetString() : null;
        if (blockType == "tool_use")
        {
            var toolIndex = _toolCount++;
            SetToolIndex(blockIndex, toolIndex);
            WriteChunkStart();
            _writer.WriteStartArray("tool_calls"u8);
            _writer.WriteStartObject();
            _writer.WriteNumber("index"u8, toolIndex);
            _writer.WriteString("id"u8, block.TryGetProperty("id"u8, out var id) ? id.GetString() : null);
            _writer.WriteString("type"u8, "function"u8);
            _writer.WriteStartObject("function"u8);
            _writer.WriteString("name"u8, block.TryGetProperty("name"u8, out var name) ? name.GetString() : null);
            _writer.WriteString("arguments"u8, ""u8);
            _writer.WriteEndObject();
            _writer.WriteEndObject();
            _writer.WriteEndArray();
            output.Add(WriteChunkEnd(null));

            // A non-streamed input (server-side fill) arrives whole in the start block.
            if (block.TryGetProperty("input"u8, out var input) && input.ValueKind == JsonValueKind.Object && input.EnumerateObject().Any())
            {
                WriteArgumentsChunk(toolIndex, input.GetRawText(), output);
            }
        }
        else
        {
            SetToolIndex(blockIndex, -1);
            if (blockType == "text" && block.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String && text.IsNonEmptyString())
            {
                WriteContentChunk(text, output);
            }
        }
    }

    private void OnContentBlockDelta(JsonElement root, List<string> output)
    {
        EnsureStarted(output);
        if (!root.TryGetProperty("delta"u8, out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var deltaType = delta.TryGetProperty("type"u8, out var t) ? t.GetString() : null;
        if (deltaType == "text_delta")
        {
            if (delta.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String && text.IsNonEmptyString())
            {
                WriteContentChunk(text, output);
            }
        }
        else if (deltaType == "input_json_delta")
        {
            var blockIndex = root.TryGetProperty("index"u8, out var indexElement) && indexElement.TryGetInt32(out var i) ? i : -1;
            var toolIndex = blockIndex >= 0 && blockIndex < _toolIndexByBlock.Count ? _toolIndexByBlock[blockIndex] : -1;
            if (toolIndex < 0)
            {
                Error = "Anthropic sent input_json_delta for a block that is not a tool_use block";
                return;
            }

            if (delta.TryGetProperty("partial_json"u8, out var partial) && partial.ValueKind == JsonValueKind.String && partial.IsNonEmptyString())
            {
                WriteArgumentsChunk(toolIndex, partial.GetString()!, output);
            }
        }

        // thinking_delta, signature_delta, citations_delta: nothing in OpenAI chat chunks.
    }

    private void OnMessageDelta(JsonElement root, List<string> output)
    {
        EnsureStarted(output);
        if (root.TryGetProperty("usage"u8, out var usage))
        {
            ReadUsage(usage);
        }

        if (_finishSent || !root.TryGetProperty("delta"u8, out var delta) || !delta.TryGetProperty("stop_reason"u8, out var stopReason) || stopReason.ValueKind != JsonValueKind.String)
        {
            return;
        }

        _finishSent = true;
        WriteChunkStart();
        output.Add(WriteChunkEnd(AnthropicStopReasons.ToFinishReason(stopReason.GetString())));
    }

    private void OnMessageStop(List<string> output)
    {
        EnsureStarted(output);
        if (!_finishSent)
        {
            // A message_stop without a stop_reason is still a clean end.
            _finishSent = true;
            WriteChunkStart();
            output.Add(WriteChunkEnd("stop"));
        }

        if (_includeUsage)
        {
            _writer.WriteStartObject();
            WriteHeader();
            _writer.WriteStartArray("choices"u8);
            _writer.WriteEndArray();
            _writer.WriteStartObject("usage"u8);
            _writer.WriteNumber("prompt_tokens"u8, PromptTokens);
            _writer.WriteNumber("completion_tokens"u8, CompletionTokens);
            _writer.WriteNumber("total_tokens"u8, PromptTokens + CompletionTokens);
            _writer.WriteEndObject();
            _writer.WriteEndObject();
            output.Add(Flush());
        }

        Finished = true;
    }

    private void OnError(JsonElement root)
    {
        string? type = null;
        string? message = null;
        if (root.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object)
        {
            type = error.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            message = error.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        }

        Error = $"{type ?? "api_error"}: {message ?? "Anthropic stream error"}";
    }

    private void ReadUsage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        // Counts in message_delta are cumulative, so a present field replaces the earlier value.
        if (usage.TryGetProperty("input_tokens"u8, out var input) && input.TryGetInt64(out var inputTokens))
        {
            _inputTokens = inputTokens;
        }

        if (usage.TryGetProperty("cache_creation_input_tokens"u8, out var creation) && creation.TryGetInt64(out var creationTokens))
        {
            _cacheCreationTokens = creationTokens;
        }

        if (usage.TryGetProperty("cache_read_input_tokens"u8, out var read) && read.TryGetInt64(out var readTokens))
        {
            _cacheReadTokens = readTokens;
        }

        if (usage.TryGetProperty("output_tokens"u8, out var outputElement) && outputElement.TryGetInt64(out var outputTokens))
        {
            CompletionTokens = outputTokens;
        }
    }

    private void EnsureStarted(List<string> output)
    {
        // A stream that skipped message_start still gets the role chunk first, as OpenAI clients expect.
        if (!_started)
        {
            _started = true;
            WriteChunkStart();
            _writer.WriteString("role"u8, "assistant"u8);
            _writer.WriteString("content"u8, ""u8);
            output.Add(WriteChunkEnd(null));
        }
    }

    private void SetToolIndex(int blockIndex, int toolIndex)
    {
        if (blockIndex < 0 || blockIndex > 4096)
        {
            return;
        }

        while (_toolIndexByBlock.Count <= blockIndex)
        {
            _toolIndexByBlock.Add(-1);
        }

        _toolIndexByBlock[blockIndex] = toolIndex;
    }

    private void WriteContentChunk(JsonElement text, List<string> output)
    {
        WriteChunkStart();
        _writer.WritePropertyName("content"u8);
        _writer.WriteStringValue(text.GetString());
        output.Add(WriteChunkEnd(null));
    }

    private void WriteArgumentsChunk(int toolIndex, string fragment, List<string> output)
    {
        WriteChunkStart();
        _writer.WriteStartArray("tool_calls"u8);
        _writer.WriteStartObject();
        _writer.WriteNumber("index"u8, toolIndex);
        _writer.WriteStartObject("function"u8);
        _writer.WriteString("arguments"u8, fragment);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.WriteEndArray();
        output.Add(WriteChunkEnd(null));
    }

    private void WriteHeader()
    {
        _writer.WriteString("id"u8, _id);
        _writer.WriteString("object"u8, "chat.completion.chunk"u8);
        _writer.WriteNumber("created"u8, _created);
        _writer.WriteString("model"u8, _clientModel);
    }

    /// <summary>Writes everything up to and including <c>"delta":{</c>.</summary>
    private void WriteChunkStart()
    {
        _writer.WriteStartObject();
        WriteHeader();
        _writer.WriteStartArray("choices"u8);
        _writer.WriteStartObject();
        _writer.WriteNumber("index"u8, 0);
        _writer.WriteStartObject("delta"u8);
    }

    private string WriteChunkEnd(string? finishReason)
    {
        _writer.WriteEndObject();
        _writer.WriteNull("logprobs"u8);
        if (finishReason is null)
        {
            _writer.WriteNull("finish_reason"u8);
        }
        else
        {
            _writer.WriteString("finish_reason"u8, finishReason);
        }

        _writer.WriteEndObject();
        _writer.WriteEndArray();
        _writer.WriteEndObject();
        return Flush();
    }

    private string Flush()
    {
        _writer.Flush();
        var payload = Encoding.UTF8.GetString(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        return payload;
    }
}

internal static class JsonElementStringExtensions
{
    /// <summary>True for a JSON string with at least one character, without materializing it.</summary>
    public static bool IsNonEmptyString(this JsonElement element) =>
        element.ValueKind == JsonValueKind.String && !element.ValueEquals(ReadOnlySpan<byte>.Empty);
}
