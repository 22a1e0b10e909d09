using System.Text.Json.Nodes;
using Daalu.Router.Translation;

namespace Daalu.Router.Protocols.Tests.Translation;

public class AnthropicResponseTranslatorTests
{
    private static JsonObject ToOpenAI(string anthropicJson) =>
        AnthropicResponseTranslator.ToOpenAI(JsonNode.Parse(anthropicJson)!.AsObject(), "auto", 1_700_000_000);

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual?.ToJsonString()}");

    [Fact]
    public void ToOpenAI_TextMessage_GivesChatCompletion()
    {
        var result = ToOpenAI("""
            {"id":"msg_01A","type":"message","role":"assistant","model":"claude-sonnet-4-5",
             "content":[{"type":"text","text":"Hello"},{"type":"text","text":" there"}],
             "stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":10,"cache_creation_input_tokens":2,"cache_read_input_tokens":3,"output_tokens":4}}
            """);

        AssertJson("""
            {"id":"chatcmpl-msg_01A","object":"chat.completion","created":1700000000,"model":"auto",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":15,"completion_tokens":4,"total_tokens":19}}
            """, result);
    }

    [Fact]
    public void ToOpenAI_ToolUse_GivesToolCallsWithSerializedArguments()
    {
        var result = ToOpenAI("""
            {"id":"msg_01B","type":"message","role":"assistant","model":"m",
             "content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris","days":[1,2]}}],
             "stop_reason":"tool_use","usage":{"input_tokens":5,"output_tokens":6}}
            """);

        var choice = result["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        Assert.Null(choice["message"]!["content"]);
        var call = choice["message"]!["tool_calls"]![0]!;
        Assert.Equal("toolu_1", (string?)call["id"]);
        Assert.Equal("function", (string?)call["type"]);
        Assert.Equal("get_weather", (string?)call["function"]!["name"]);
        AssertJson("""{"city":"Paris","days":[1,2]}""", JsonNode.Parse((string)call["function"]!["arguments"]!));
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    [InlineData("pause_turn", "stop")]
    public void ToOpenAI_StopReason_MapsToFinishReason(string stopReason, string finishReason)
    {
        var result = ToOpenAI($$$"""
            {"id":"msg_1","content":[{"type":"text","text":"x"}],"stop_reason":"{{{stopReason}}}","usage":{"input_tokens":1,"output_tokens":1}}
            """);

        Assert.Equal(finishReason, (string?)result["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public void ToOpenAI_ThinkingBlocks_AreLeftOut()
    {
        var result = ToOpenAI("""
            {"id":"msg_1","content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"42"}],
             "stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}
            """);

        Assert.Equal("42", (string?)result["choices"]![0]!["message"]!["content"]);
    }

    [Theory]
    [InlineData(400, "invalid_request_error", "invalid_request_error", "invalid_request_error")]
    [InlineData(401, "authentication_error", "authentication_error", "invalid_api_key")]
    [InlineData(403, "permission_error", "permission_error", "permission_error")]
    [InlineData(404, "not_found_error", "not_found_error", "not_found_error")]
    [InlineData(413, "request_too_large", "invalid_request_error", "request_too_large")]
    [InlineData(429, "rate_limit_error", "rate_limit_error", "rate_limit_exceeded")]
    [InlineData(500, "api_error", "server_error", "api_error")]
    [InlineData(529, "overloaded_error", "server_error", "overloaded_error")]
    public void ErrorToOpenAI_AnthropicErrorBody_MapsTypeAndKeepsMessage(int status, string anthropicType, string openAiType, string code)
    {
        var result = AnthropicResponseTranslator.ErrorToOpenAI(status,
            $$$"""{"type":"error","error":{"type":"{{{anthropicType}}}","message":"the reason"},"request_id":"req_1"}""");

        AssertJson($$$"""{"error":{"message":"the reason","type":"{{{openAiType}}}","param":null,"code":"{{{code}}}"}}""", result);
    }

    [Fact]
    public void ErrorToOpenAI_BodyNotJson_FallsBackToStatus()
    {
        var result = AnthropicResponseTranslator.ErrorToOpenAI(529, "<html>busy</html>");

        AssertJson("""{"error":{"message":"Anthropic returned HTTP 529.","type":"server_error","param":null,"code":"overloaded_error"}}""", result);
    }
}
