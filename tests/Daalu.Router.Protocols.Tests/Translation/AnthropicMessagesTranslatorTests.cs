using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Router.Translation;

namespace Daalu.Router.Protocols.Tests.Translation;

/// <summary>
/// Anthropic Messages (inbound) <-> chat. Expected shapes from @anthropic-ai/sdk 1.10.0
/// resources/messages/messages.d.ts (MessageCreateParamsBase, Message, RawMessageStreamEvent, MessageDeltaUsage).
/// </summary>
public sealed class AnthropicMessagesTranslatorTests
{
    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void ToChat_SystemBlocksToolsImagesAndResults_ChatRequest()
    {
        var chat = MessagesToChatRequestTranslator.ToChat(Obj("""
            {"model":"m","max_tokens":100,"system":[{"type":"text","text":"A"},{"type":"text","text":"B"}],
             "stop_sequences":["END"],"metadata":{"user_id":"u1"},"stream":true,
             "tools":[{"name":"f","description":"d","input_schema":{"type":"object"}}],
             "tool_choice":{"type":"tool","name":"f","disable_parallel_tool_use":true},
             "messages":[{"role":"user","content":[{"type":"text","text":"Hi"},{"type":"image","source":{"type":"url","url":"https://x/i.png"}}]},
                         {"role":"assistant","content":[{"type":"thinking","thinking":"..","signature":"s"},{"type":"text","text":"Calling"},{"type":"tool_use","id":"t1","name":"f","input":{"a":1}}]},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"ok"}],"is_error":true},{"type":"text","text":"next"}]}]}
            """));

        var m = chat["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "tool", "user"], m.Select(x => (string)x!["role"]!));
        Assert.Equal("A\n\nB", (string)m[0]!["content"]!);
        Assert.Equal("https://x/i.png", (string)m[1]!["content"]![1]!["image_url"]!["url"]!);
        Assert.Equal("Calling", (string)m[2]!["content"]!);
        Assert.Equal("{\"a\":1}", (string)m[2]!["tool_calls"]![0]!["function"]!["arguments"]!);
        Assert.Equal("Error: ok", (string)m[3]!["content"]!);
        Assert.Equal("t1", (string)m[3]!["tool_call_id"]!);
        Assert.Equal("next", (string)m[4]!["content"]![0]!["text"]!);
        Assert.Equal("END", (string)chat["stop"]![0]!);
        Assert.Equal("u1", (string)chat["user"]!);
        Assert.Equal("f", (string)chat["tool_choice"]!["function"]!["name"]!);
        Assert.False((bool)chat["parallel_tool_calls"]!);
        Assert.Equal("object", (string)chat["tools"]![0]!["function"]!["parameters"]!["type"]!);
        Assert.True((bool)chat["stream_options"]!["include_usage"]!);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}]}""", "max_tokens")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[]}""", "messages")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]}""", "messages.0.role")]
    [InlineData("""{"model":"m","max_tokens":5,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"x"}]}""", "tools.0")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"document","source":{}}]}]}""", "messages.0.content.0")]
    public void ToChat_Unservable_RefusedNamingTheParameter(string json, string param)
    {
        var ex = Assert.Throws<TranslationException>(() => MessagesToChatRequestTranslator.ToChat(Obj(json)));
        Assert.Equal(param, ex.Param);
    }

    [Fact]
    public void ToChat_CountTokensWithoutMaxTokens_Accepted()
    {
        var chat = MessagesToChatRequestTranslator.ToChat(Obj("""{"model":"m","messages":[{"role":"user","content":"x"}]}"""), forCounting: true);
        Assert.Single(chat["messages"]!.AsArray());
    }

    [Theory]
    [InlineData("stop", null, "end_turn", null)]
    [InlineData("stop", "END", "stop_sequence", "END")]
    [InlineData("length", null, "max_tokens", null)]
    [InlineData("tool_calls", null, "tool_use", null)]
    [InlineData("content_filter", null, "refusal", null)]
    public void FromChatCompletion_FinishReason_AnthropicStopReason(string finish, string? stopString, string stopReason, string? stopSequence)
    {
        var d = new AnthropicMessagesDialect("alias", "abc");
        var stop = stopString is null ? "" : $",\"stop_reason\":\"{stopString}\"";
        var chat = $"{{\"choices\":[{{\"index\":0,\"message\":{{\"role\":\"assistant\",\"content\":\"Hi\"}},\"finish_reason\":\"{finish}\"{stop}}}],\"usage\":{{\"prompt_tokens\":7,\"completion_tokens\":3}}}}";

        using var doc = JsonDocument.Parse(d.FromChatCompletion(Encoding.UTF8.GetBytes(chat)));
        var m = doc.RootElement;
        Assert.Equal(stopReason, m.GetProperty("stop_reason").GetString());
        Assert.Equal(stopSequence, m.GetProperty("stop_sequence").GetString());
        Assert.Equal("msg_abc", m.GetProperty("id").GetString());
        Assert.Equal("alias", m.GetProperty("model").GetString());
        Assert.Equal(7, m.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(3, m.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public void FromChatCompletion_ToolCall_ToolUseBlockWithParsedInput()
    {
        var d = new AnthropicMessagesDialect("m", "abc");
        var chat = """{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}]}""";

        using var doc = JsonDocument.Parse(d.FromChatCompletion(Encoding.UTF8.GetBytes(chat)));
        var block = Assert.Single(doc.RootElement.GetProperty("content").EnumerateArray());
        Assert.Equal("tool_use", block.GetProperty("type").GetString());
        Assert.Equal("call_1", block.GetProperty("id").GetString());
        Assert.Equal("Paris", block.GetProperty("input").GetProperty("city").GetString());
    }

    [Theory]
    [InlineData(400, "invalid_request_error", "invalid_request_error")]
    [InlineData(401, "invalid_request_error", "authentication_error")]
    [InlineData(403, "invalid_request_error", "permission_error")]
    [InlineData(404, "invalid_request_error", "not_found_error")]
    [InlineData(413, "invalid_request_error", "request_too_large")]
    [InlineData(429, "insufficient_quota", "rate_limit_error")]
    [InlineData(500, "server_error", "api_error")]
    [InlineData(503, "service_unavailable", "overloaded_error")]
    public void Error_Status_AnthropicShapeAndType(int status, string openAiType, string anthropicType)
    {
        var d = new AnthropicMessagesDialect("m", "abc");
        using var doc = JsonDocument.Parse(d.ReshapeError(status, Encoding.UTF8.GetBytes($"{{\"error\":{{\"message\":\"boom\",\"type\":\"{openAiType}\",\"param\":null,\"code\":null}}}}")));

        Assert.Equal("error", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal(anthropicType, doc.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("boom", doc.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public void Stream_TextThenToolUse_BlocksIndexedAndFinalUsageInMessageDelta()
    {
        var d = new AnthropicMessagesDialect("m", "abc");
        var events = DialectSse.Run(d.CreateStreamTranslator(),
        [
            DialectSse.Role(), DialectSse.Text("Let me check."),
            DialectSse.ToolStart(0, "call_a", "f"), DialectSse.ToolArgs(0, "{\"a\":"), DialectSse.ToolArgs(0, "1}"),
            DialectSse.Finish("tool_calls"), DialectSse.Usage(9, 4, cached: 2),
        ]);

        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Event));
        Assert.All(events, e => Assert.Equal(e.Event, e.Data.GetProperty("type").GetString()));
        Assert.Equal([0, 0, 0, 1, 1, 1, 1], events.Where(e => e.Event.StartsWith("content_block", StringComparison.Ordinal)).Select(e => e.Data.GetProperty("index").GetInt32()));
        Assert.Equal("tool_use", events[5].Data.GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal("input_json_delta", events[6].Data.GetProperty("delta").GetProperty("type").GetString());
        var delta = events[^2].Data;
        Assert.Equal("tool_use", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(7, delta.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(2, delta.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(4, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public void Stream_Broken_ErrorEventAndNoMessageStop()
    {
        var d = new AnthropicMessagesDialect("m", "abc");
        var events = DialectSse.Run(d.CreateStreamTranslator(), [DialectSse.Role(), DialectSse.Text("Hi")], error: "upstream broke");

        Assert.Equal("error", events[^1].Event);
        Assert.Equal("api_error", events[^1].Data.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain(events, e => e.Event is "message_stop" or "message_delta");
    }
}
