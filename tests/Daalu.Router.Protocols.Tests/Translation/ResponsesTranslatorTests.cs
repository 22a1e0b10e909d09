using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Router.Translation;

namespace Daalu.Router.Protocols.Tests.Translation;

/// <summary>
/// Responses API <-> chat. Expected shapes from the openai npm SDK 7.55.0 resources/responses/responses.d.ts
/// (ResponseCreateParamsBase, ResponseStreamEvent members with sequence_number, Response, ResponseUsage).
/// </summary>
public sealed class ResponsesTranslatorTests
{
    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void ToChat_InstructionsItemsToolsAndFormat_ChatRequest()
    {
        var chat = ResponsesToChatRequestTranslator.ToChat(Obj("""
            {"model":"m","instructions":"Be brief","max_output_tokens":50,"temperature":0.2,"stream":true,
             "input":[{"role":"developer","content":"Use metric units"},
                      {"type":"message","role":"user","content":[{"type":"input_text","text":"Weather?"},{"type":"input_image","image_url":"https://x/y.png","detail":"low"}]},
                      {"type":"reasoning","id":"rs_1","summary":[]},
                      {"type":"function_call","call_id":"c1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
                      {"type":"function_call","call_id":"c2","name":"get_time","arguments":"{}"},
                      {"type":"function_call_output","call_id":"c1","output":"18C"}],
             "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"},"strict":true}],
             "tool_choice":{"type":"function","name":"get_weather"},
             "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true}}}
            """));

        var messages = chat["messages"]!.AsArray();
        Assert.Equal(["system", "developer", "user", "assistant", "tool"], messages.Select(m => (string)m!["role"]!));
        Assert.Equal("Be brief", (string)messages[0]!["content"]!);
        Assert.Equal("image_url", (string)messages[2]!["content"]![1]!["type"]!);
        Assert.Equal("low", (string)messages[2]!["content"]![1]!["image_url"]!["detail"]!);
        // Consecutive function_call items are one assistant turn with two tool calls.
        Assert.Equal(["c1", "c2"], messages[3]!["tool_calls"]!.AsArray().Select(c => (string)c!["id"]!));
        Assert.Equal("c1", (string)messages[4]!["tool_call_id"]!);
        Assert.Equal(50, (int)chat["max_tokens"]!);
        Assert.True((bool)chat["stream_options"]!["include_usage"]!);
        Assert.Equal("get_weather", (string)chat["tools"]![0]!["function"]!["name"]!);
        Assert.True((bool)chat["tools"]![0]!["function"]!["strict"]!);
        Assert.Equal("get_weather", (string)chat["tool_choice"]!["function"]!["name"]!);
        Assert.Equal("w", (string)chat["response_format"]!["json_schema"]!["name"]!);
    }

    [Theory]
    [InlineData("""{"model":"m","input":"x","previous_response_id":"resp_1"}""", "previous_response_id")]
    [InlineData("""{"model":"m","input":"x","conversation":"conv_1"}""", "conversation")]
    [InlineData("""{"model":"m","input":"x","background":true}""", "background")]
    [InlineData("""{"model":"m","input":"x","tools":[{"type":"web_search"}]}""", "tools[0].type")]
    [InlineData("""{"model":"m","input":[{"type":"item_reference","id":"msg_1"}]}""", "input[0].type")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]}""", "input[0].content")]
    [InlineData("""{"model":"m"}""", "input")]
    public void ToChat_StateOrServerOnlyFeature_RefusedNamingTheParameter(string json, string param)
    {
        var ex = Assert.Throws<TranslationException>(() => ResponsesToChatRequestTranslator.ToChat(Obj(json)));
        Assert.Equal(param, ex.Param);
    }

    [Fact]
    public void FromChatCompletion_TextToolCallAndLength_IncompleteResponseWithUsage()
    {
        var d = new ResponsesDialect(Obj("""{"model":"alias","input":"x","store":true,"metadata":{"k":"v"}}"""), "abc", 1700000000);
        var chat = """{"choices":[{"index":0,"message":{"role":"assistant","content":"Hi","tool_calls":[{"id":"call_9","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"length"}],"usage":{"prompt_tokens":7,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":2}}}""";

        using var doc = JsonDocument.Parse(d.FromChatCompletion(Encoding.UTF8.GetBytes(chat)));
        var r = doc.RootElement;
        Assert.Equal("resp_abc", r.GetProperty("id").GetString());
        Assert.Equal("alias", r.GetProperty("model").GetString());
        Assert.Equal("incomplete", r.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", r.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.False(r.GetProperty("store").GetBoolean());
        Assert.Equal("v", r.GetProperty("metadata").GetProperty("k").GetString());
        Assert.Equal(["message", "function_call"], r.GetProperty("output").EnumerateArray().Select(o => o.GetProperty("type").GetString()));
        Assert.Equal("call_9", r.GetProperty("output")[1].GetProperty("call_id").GetString());
        Assert.Equal(10, r.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(2, r.GetProperty("usage").GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public void Stream_TextThenTwoToolCalls_ItemsOpenAndCloseInOrder()
    {
        var d = new ResponsesDialect(Obj("""{"model":"m","input":"x"}"""), "abc", 1);
        var events = DialectSse.Run(d.CreateStreamTranslator(),
        [
            DialectSse.Role(), DialectSse.Text("Let me "), DialectSse.Text("check."),
            DialectSse.ToolStart(0, "call_a", "f"), DialectSse.ToolArgs(0, "{\"a\":"), DialectSse.ToolArgs(0, "1}"),
            DialectSse.ToolStart(1, "call_b", "g"), DialectSse.ToolArgs(1, "{}"),
            DialectSse.Finish("tool_calls"), DialectSse.Usage(9, 4),
        ]);

        Assert.Equal(
            ["response.created", "response.in_progress",
             "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
             "response.output_text.done", "response.content_part.done", "response.output_item.done",
             "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
             "response.function_call_arguments.done", "response.output_item.done",
             "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done",
             "response.completed"],
            events.Select(e => e.Event));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        var added = events.Where(e => e.Event == "response.output_item.added").Select(e => e.Data.GetProperty("output_index").GetInt32());
        Assert.Equal([0, 1, 2], added);
        Assert.Equal("{\"a\":1}", events.First(e => e.Event == "response.function_call_arguments.done").Data.GetProperty("arguments").GetString());
        var final = events[^1].Data.GetProperty("response");
        Assert.Equal(3, final.GetProperty("output").GetArrayLength());
        Assert.Equal("Let me check.", final.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(13, final.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public void Stream_BrokenAfterText_ErrorThenFailedNeverCompleted()
    {
        var d = new ResponsesDialect(Obj("""{"model":"m","input":"x"}"""), "abc", 1);
        var t = d.CreateStreamTranslator();
        var events = DialectSse.Run(t, [DialectSse.Role(), DialectSse.Text("Hi")], error: "upstream broke");

        Assert.Equal(["error", "response.failed"], events.TakeLast(2).Select(e => e.Event));
        Assert.Equal("failed", events[^1].Data.GetProperty("response").GetProperty("status").GetString());
        // Once failed, a late [DONE] adds nothing.
        Assert.Empty(DialectSse.Run(t, [], done: true));
    }
}
