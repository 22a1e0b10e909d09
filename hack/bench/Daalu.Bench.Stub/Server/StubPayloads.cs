using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;

namespace Daalu.Bench.Stub.Server;

/// <summary>
/// Every byte the stub sends, computed once: vLLM's chat completion JSON and its stream chunks, so that serving
/// a request costs a body scan and a few copies. Token i of a completion is the text "i " so a client can check
/// that stream events arrive complete and in order.
/// </summary>
internal sealed class StubPayloads
{
    private const string Id = "chatcmpl-bench0000000000000000000000";
    private const long Created = 1732000000;

    private readonly string _model;
    private readonly byte[][] _tokenEvents;
    private readonly byte[]?[] _lastEventsLength;
    private readonly byte[]?[] _lastEventsStop;
    private readonly ConcurrentDictionary<int, byte[]> _completionPrefixes = new();

    public StubPayloads(string model, int gapMicros, int maxTokens)
    {
        _model = model;
        GapMicros = gapMicros;
        ModelBytes = Encoding.UTF8.GetBytes(model);
        _tokenEvents = new byte[maxTokens][];
        for (var i = 0; i < maxTokens; i++)
        {
            _tokenEvents[i] = Event($"{{\"index\":0,\"delta\":{{\"content\":\"{i} \"}},\"logprobs\":null,\"finish_reason\":null}}");
        }

        _lastEventsLength = new byte[maxTokens][];
        _lastEventsStop = new byte[maxTokens][];
        RoleEvent = Event("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}");
        UsagePrefix = Encoding.UTF8.GetBytes(
            $"data: {{\"id\":\"{Id}\",\"object\":\"chat.completion.chunk\",\"created\":{Created},\"model\":\"{model}\",\"choices\":[],\"usage\":{{\"prompt_tokens\":");
        ModelEntry = (
            $"{{\"id\":\"{model}\",\"object\":\"model\",\"created\":{Created},\"owned_by\":\"vllm\"," +
            $"\"root\":\"bench/{model}\",\"parent\":null,\"max_model_len\":{maxTokens}," +
            $"\"permission\":[{{\"id\":\"modelperm-bench\",\"object\":\"model_permission\",\"created\":{Created}," +
            "\"allow_create_engine\":false,\"allow_sampling\":true,\"allow_logprobs\":true,\"allow_search_indices\":false," +
            "\"allow_view\":true,\"allow_fine_tuning\":false,\"organization\":\"*\",\"group\":null,\"is_blocking\":false}]}");
    }

    public byte[] ModelBytes { get; }

    /// <summary>Pause between two stream events of this model, in microseconds.</summary>
    public int GapMicros { get; }

    /// <summary>This model's entry in GET /v1/models.</summary>
    public string ModelEntry { get; }

    /// <summary>The first stream event: the assistant role with empty content.</summary>
    public byte[] RoleEvent { get; }

    /// <summary>The usage event up to the prompt token count.</summary>
    public byte[] UsagePrefix { get; }

    public static ReadOnlySpan<byte> Done => "data: [DONE]\n\n"u8;

    public static ReadOnlySpan<byte> TotalTokens => ",\"total_tokens\":"u8;

    public static ReadOnlySpan<byte> CompletionTokens => ",\"completion_tokens\":"u8;

    public static ReadOnlySpan<byte> UsageEventEnd => "}}\n\n"u8;

    public static ReadOnlySpan<byte> CompletionEnd => ",\"prompt_tokens_details\":null},\"prompt_logprobs\":null,\"kv_transfer_params\":null}"u8;

    /// <summary>Stream event of token i that is not the last one.</summary>
    public byte[] TokenEvent(int i) => _tokenEvents[i];

    /// <summary>Stream event of the last token i, carrying the finish reason.</summary>
    public byte[] LastTokenEvent(int i, bool length)
    {
        var cache = length ? _lastEventsLength : _lastEventsStop;
        return cache[i] ??= Event(
            $"{{\"index\":0,\"delta\":{{\"content\":\"{i} \"}},\"logprobs\":null,\"finish_reason\":\"{(length ? "length" : "stop")}\"}}");
    }

    /// <summary>A non-streaming completion of n tokens up to the prompt token count (the only part that varies).</summary>
    public byte[] CompletionPrefix(int n, bool length) =>
        _completionPrefixes.GetOrAdd(length ? n : -n, static (_, s) => s.Self.BuildCompletionPrefix(s.N, s.Length), (Self: this, N: n, Length: length));

    /// <summary>Writes a non-negative integer as ASCII digits.</summary>
    public static void WriteInt(IBufferWriter<byte> writer, long value)
    {
        var span = writer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        writer.Advance(written);
    }

    public static int DigitCount(long value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    private byte[] BuildCompletionPrefix(int n, bool length)
    {
        var content = new StringBuilder(n * 5);
        for (var i = 0; i < n; i++)
        {
            content.Append(i).Append(' ');
        }

        return Encoding.UTF8.GetBytes(
            $"{{\"id\":\"{Id}\",\"object\":\"chat.completion\",\"created\":{Created},\"model\":\"{_model}\",\"choices\":[{{\"index\":0," +
            $"\"message\":{{\"role\":\"assistant\",\"reasoning_content\":null,\"content\":\"{content}\",\"tool_calls\":[]}}," +
            $"\"logprobs\":null,\"finish_reason\":\"{(length ? "length" : "stop")}\",\"stop_reason\":null}}],\"usage\":{{\"prompt_tokens\":");
    }

    private byte[] Event(string choice) => Encoding.UTF8.GetBytes(
        $"data: {{\"id\":\"{Id}\",\"object\":\"chat.completion.chunk\",\"created\":{Created},\"model\":\"{_model}\",\"choices\":[{choice}]}}\n\n");
}
