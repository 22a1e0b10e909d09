using System.Text;
using System.Text.Json.Nodes;
using Daalu.Router.Translation;

namespace Daalu.Router.Protocols.Tests.Translation;

public class AnthropicStreamTranslatorTests
{
    private const string Header = "\"id\":\"chatcmpl-msg_01X\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"auto\"";

    // A text answer as the Messages API streams it (docs "Streaming Messages", basic request example).
    private static readonly (string Event, string Data)[] TextStream =
    [
        ("message_start", """{"type":"message_start","message":{"id":"msg_01X","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":5,"output_tokens":1}}}"""),
        ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        ("ping", """{"type": "ping"}"""),
        ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}"""),
        ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" \"world\" <b>"}}"""),
        ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
        ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"""),
        ("message_stop", """{"type":"message_stop"}"""),
    ];

    // Text then two tool_use blocks, as the API streams a tool call (input_json_delta fragments, an empty first fragment).
    private static readonly (string Event, string Data)[] ToolStream =
    [
        ("message_start", """{"type":"message_start","message":{"id":"msg_01X","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2}}}"""),
        ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking."}}"""),
        ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
        ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{}}}"""),
        ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}"""),
        ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"San"}}"""),
        ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" Francisco\"}"}}"""),
        ("content_block_stop", """{"type":"content_block_stop","index":1}"""),
        ("content_block_start", """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01B","name":"get_time","input":{}}}"""),
        ("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"tz\":"}}"""),
        ("ping", """{"type": "ping"}"""),
        ("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"\"PST\"}"}}"""),
        ("content_block_stop", """{"type":"content_block_stop","index":2}"""),
        ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}"""),
        ("message_stop", """{"type":"message_stop"}"""),
    ];

    private static (AnthropicStreamTranslator Translator, List<string> Chunks) Feed((string Event, string Data)[] events, bool includeUsage)
    {
        var translator = new AnthropicStreamTranslator("auto", 1_700_000_000, includeUsage);
        var output = new List<string>();
        foreach (var (name, data) in events)
        {
            translator.OnEvent(name, Encoding.UTF8.GetBytes(data), output);
        }

        return (translator, output);
    }

    [Fact]
    public void OnEvent_TextStreamWithUsage_GivesExactOpenAIChunkSequence()
    {
        var (translator, chunks) = Feed(TextStream, includeUsage: true);

        string[] expected =
        [
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}",
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}]}",
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" \\\"world\\\" <b>\"},\"logprobs\":null,\"finish_reason\":null}]}",
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}",
            "{" + Header + ",\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":15,\"total_tokens\":45}}",
        ];
        Assert.Equal(expected, chunks);
        Assert.True(translator.Finished);
        Assert.Null(translator.Error);
        Assert.Equal(30, translator.PromptTokens);
        Assert.Equal(15, translator.CompletionTokens);
    }

    [Fact]
    public void OnEvent_TextStreamWithoutUsage_HasNoUsageChunkButStillCountsTokens()
    {
        var (translator, chunks) = Feed(TextStream, includeUsage: false);

        Assert.Equal(4, chunks.Count);
        Assert.DoesNotContain(chunks, c => c.Contains("usage", StringComparison.Ordinal));
        Assert.True(translator.Finished);
        Assert.Equal(15, translator.CompletionTokens);
    }

    [Fact]
    public void OnEvent_ToolStream_GivesToolCallDeltasWhoseArgumentsParse()
    {
        var (translator, chunks) = Feed(ToolStream, includeUsage: false);

        string[] expected =
        [
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}",
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Checking.\"},\"logprobs\":null,\"finish_reason\":null}]}",
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_01A\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"logprobs\":null,\"finish_reason\":null}]}",
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\": \\\"San\"}}]},\"logprobs\":null,\"finish_reason\":null}]}",
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\" Francisco\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":null}]}",
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"toolu_01B\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"\"}}]},\"logprobs\":null,\"finish_reason\":null}]}",
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{\\\"tz\\\":\"}}]},\"logprobs\":null,\"finish_reason\":null}]}",
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"\\\"PST\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":null}]}",
            "{" + Header + ",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}",
        ];
        Assert.Equal(expected, chunks);
        Assert.True(translator.Finished);

        var arguments = OpenAIChunks.ConcatenateToolArguments(chunks);
        Assert.Equal(2, arguments.Count);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"city":"San Francisco"}"""), JsonNode.Parse(arguments[0])));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"tz":"PST"}"""), JsonNode.Parse(arguments[1])));
    }

    [Fact]
    public void OnEvent_ErrorEventMidStream_SetsErrorAndNeverFinishes()
    {
        var translator = new AnthropicStreamTranslator("auto", 1, includeUsage: true);
        var output = new List<string>();
        foreach (var (name, data) in TextStream.Take(4))
        {
            translator.OnEvent(name, Encoding.UTF8.GetBytes(data), output);
        }

        var before = output.Count;
        translator.OnEvent("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""u8, output);
        translator.OnEvent("message_stop", """{"type":"message_stop"}"""u8, output);

        Assert.Equal("overloaded_error: Overloaded", translator.Error);
        Assert.False(translator.Finished);
        Assert.Equal(before, output.Count);
    }

    [Fact]
    public void OnEvent_StreamCutBeforeMessageStop_IsNotFinished()
    {
        var (translator, chunks) = Feed(TextStream[..5], includeUsage: true);

        Assert.False(translator.Finished);
        Assert.Null(translator.Error);
        Assert.DoesNotContain(chunks, c => c.Contains("finish_reason\":\"", StringComparison.Ordinal));
    }

    [Fact]
    public void OnEvent_MissingEventNames_UsesTypeFromData()
    {
        var unnamed = TextStream.Select(e => (string.Empty, e.Data)).ToArray();

        var (translator, chunks) = Feed(unnamed, includeUsage: false);

        Assert.Equal(4, chunks.Count);
        Assert.True(translator.Finished);
    }

    [Fact]
    public void OnEvent_InvalidJson_SetsError()
    {
        var translator = new AnthropicStreamTranslator("auto", 1, includeUsage: false);
        var output = new List<string>();

        translator.OnEvent("content_block_delta", "{not json"u8, output);

        Assert.NotNull(translator.Error);
        Assert.Empty(output);
    }

    [Fact]
    public void OnEvent_MaxTokensStop_GivesLengthFinishReason()
    {
        var events = TextStream.ToArray();
        events[6] = ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":2}}""");

        var (_, chunks) = Feed(events, includeUsage: false);

        Assert.Contains("\"finish_reason\":\"length\"", chunks[^1], StringComparison.Ordinal);
    }
}
