using System.Net;
using System.Text.Json.Nodes;
using Daalu.TestDoubles.Anthropic;

namespace Daalu.Router.Protocols.Tests.Anthropic;

public sealed class AnthropicDoubleTests : IAsyncLifetime
{
    private AnthropicDouble _server = null!;

    public async Task InitializeAsync() => _server = await AnthropicDouble.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static JsonObject Body(string json) => JsonNode.Parse(json)!.AsObject();

    private static async Task<(HttpStatusCode Status, JsonObject Body)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    [Fact]
    public async Task Post_WrongOrMissingApiKey_Returns401AuthenticationError()
    {
        var body = Body("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""");

        var (wrongStatus, wrong) = await ReadAsync(await AnthropicClient.PostAsync(_server, body, apiKey: "sk-wrong"));
        var (missingStatus, _) = await ReadAsync(await AnthropicClient.PostAsync(_server, body, apiKey: null));

        Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
        Assert.Equal(HttpStatusCode.Unauthorized, missingStatus);
        Assert.Equal("error", (string?)wrong["type"]);
        Assert.Equal("authentication_error", (string?)wrong["error"]!["type"]);
    }

    [Fact]
    public async Task Post_MissingVersionHeader_Returns400()
    {
        var body = Body("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""");

        var (status, error) = await ReadAsync(await AnthropicClient.PostAsync(_server, body, withVersion: false));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("anthropic-version", (string?)error["error"]!["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", "max_tokens: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"stream_options":{},"messages":[{"role":"user","content":"hi"}]}""", "stream_options: Extra inputs are not permitted")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":"hi"}]}""", "first message must use the \"user\" role")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}""", "roles must alternate")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"a"}]}""", "messages.0.role")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}""", "text content blocks must be non-empty")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t9","content":"x"}]}]}""", "unexpected `tool_use_id` found in `tool_result` blocks: t9")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},{"role":"user","content":"no result"}]}""", "`tool_use` ids were found without `tool_result` blocks immediately after: t1")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"Qk0="}}]}]}""", "media_type")]
    [InlineData("""{"model":"m","max_tokens":5,"tool_choice":{"type":"tool","name":"g"},"tools":[{"name":"f","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"a"}]}""", "Tool 'g' not found")]
    public async Task Post_ShapeTheRealApiRefuses_Returns400WithItsMessage(string json, string expectedMessage)
    {
        var (status, error) = await ReadAsync(await AnthropicClient.PostAsync(_server, Body(json)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", (string?)error["error"]!["type"]);
        Assert.Contains(expectedMessage, (string?)error["error"]!["message"], StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Requests, r => r.StatusCode == 200);
    }

    [Fact]
    public async Task Post_Valid_RecordsHeadersRequestIdAndReportedUsage()
    {
        _server.Enqueue(new AnthropicReply
        {
            Content = [new JsonObject { ["type"] = "text", ["text"] = "Paris." }],
            InputTokens = 21,
            OutputTokens = 3,
        });

        var response = await AnthropicClient.PostAsync(
            _server, Body("""{"model":"claude-x","max_tokens":50,"messages":[{"role":"user","content":"Capital of France?"}]}"""), requestId: "rid-1");
        var (status, message) = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(response.Headers.Contains("request-id"));
        Assert.Equal("message", (string?)message["type"]);
        Assert.Equal("claude-x", (string?)message["model"]);
        Assert.StartsWith("msg_", (string?)message["id"], StringComparison.Ordinal);
        Assert.Equal(21, (int)message["usage"]!["input_tokens"]!);
        var recorded = Assert.Single(_server.Requests);
        Assert.Equal("rid-1", recorded.RequestId);
        Assert.Equal("2023-06-01", recorded.Headers["anthropic-version"]);
        Assert.Equal(21, recorded.ReportedInputTokens);
        Assert.Equal(3, recorded.ReportedOutputTokens);
        Assert.False(recorded.Streamed);
    }

    [Fact]
    public async Task Post_ReplyLongerThanMaxTokens_IsTruncatedWithMaxTokensStopReason()
    {
        _server.Enqueue(AnthropicReply.Text(new string('x', 400)));

        var (_, message) = await ReadAsync(await AnthropicClient.PostAsync(
            _server, Body("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"long please"}]}""")));

        Assert.Equal("max_tokens", (string?)message["stop_reason"]);
        Assert.Equal(40, ((string?)message["content"]![0]!["text"])!.Length);
        Assert.Equal(10, (int)message["usage"]!["output_tokens"]!);
    }

    [Theory]
    [InlineData(AnthropicFault.Overloaded, 529, "overloaded_error")]
    [InlineData(AnthropicFault.RateLimited, 429, "rate_limit_error")]
    [InlineData(AnthropicFault.ServerError, 500, "api_error")]
    public async Task Post_ScriptedFault_ReturnsTheApiErrorShape(AnthropicFault fault, int status, string type)
    {
        _server.Enqueue(AnthropicReply.Failure(fault));

        var response = await AnthropicClient.PostAsync(_server, Body("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"""));
        var (actualStatus, error) = await ReadAsync(response);

        Assert.Equal(status, (int)actualStatus);
        Assert.Equal(type, (string?)error["error"]!["type"]);
        Assert.StartsWith("req_", (string?)error["request_id"], StringComparison.Ordinal);
        Assert.Equal(fault == AnthropicFault.RateLimited, response.Headers.Contains("retry-after"));
        Assert.Equal(0, _server.TotalReportedInputTokens);
    }

    [Fact]
    public async Task Post_Streaming_SendsTheRealEventSequence()
    {
        _server.Enqueue(AnthropicReply.ToolUse("get_weather", """{"city":"Oslo"}""", id: "toolu_01Q", leadingText: "Let me check."));
        var body = Body("""
            {"model":"m","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Weather in Oslo?"}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]}
            """);

        var response = await AnthropicClient.PostAsync(_server, body, streamHeaders: true);
        var events = new List<(string Name, JsonObject Data)>();
        await AnthropicClient.ReadEventsAsync(response, (name, data) => events.Add((name, JsonNode.Parse(data)!.AsObject())));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var names = events.Select(e => e.Name).Distinct().ToList();
        Assert.Equal(new[] { "message_start", "content_block_start", "ping", "content_block_delta", "content_block_stop", "message_delta", "message_stop" }, names);
        Assert.All(events, e => Assert.Equal(e.Name, (string?)e.Data["type"]));
        Assert.Equal("tool_use", (string?)events.Single(e => e.Name == "message_delta").Data["delta"]!["stop_reason"]);
        var json = string.Concat(events
            .Where(e => e.Name == "content_block_delta" && (string?)e.Data["delta"]!["type"] == "input_json_delta")
            .Select(e => (string?)e.Data["delta"]!["partial_json"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"city":"Oslo"}"""), JsonNode.Parse(json)));
        var recorded = Assert.Single(_server.Requests);
        Assert.True(recorded.Streamed);
        Assert.Equal((long)events.Single(e => e.Name == "message_delta").Data["usage"]!["output_tokens"]!, recorded.ReportedOutputTokens);
    }
}
