using System.Net;
using System.Text.Json.Nodes;
using Daalu.Router.Protocols.Tests.Translation;
using Daalu.Router.Translation;
using Daalu.TestDoubles.Anthropic;

namespace Daalu.Router.Protocols.Tests.Anthropic;

/// <summary>OpenAI request -> translate -> real HTTP to the Anthropic double -> translate back, streamed and not.</summary>
public sealed class AnthropicRoundTripTests : IAsyncLifetime
{
    private const long Created = 1_700_000_123;

    private const string ToolConversation = """
        {"model":"auto","messages":[
          {"role":"system","content":"You are a weather bot."},
          {"role":"user","content":"Weather in Paris and Rome?"},
          {"role":"assistant","content":null,"tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
            {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"18C"},
          {"role":"tool","tool_call_id":"call_2","content":"21C"},
          {"role":"user","content":[{"type":"text","text":"And in Oslo? Here is a map."},
                                    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}],
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather by city",
           "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
         "tool_choice":"required","max_tokens":200}
        """;

    private AnthropicDouble _server = null!;

    public async Task InitializeAsync() => _server = await AnthropicDouble.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static JsonObject Translate(string openAiJson, bool stream)
    {
        var request = JsonNode.Parse(openAiJson)!.AsObject();
        request["stream"] = stream;
        return AnthropicRequestTranslator.ToAnthropic(request, "claude-sonnet-4-5", 1024);
    }

    [Fact]
    public async Task NonStreaming_TextAnswer_ComesBackAsChatCompletionWithTheDoublesUsage()
    {
        _server.Enqueue(AnthropicReply.Text("Bonjour!"));

        var response = await AnthropicClient.PostAsync(
            _server, Translate("""{"model":"auto","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello in French."}]}""", stream: false),
            requestId: "rt-1");
        var completion = AnthropicResponseTranslator.ToOpenAI(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), "auto", Created);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bonjour!", (string?)completion["choices"]![0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)completion["choices"]![0]!["finish_reason"]);
        var recorded = Assert.Single(_server.Requests);
        Assert.Equal("rt-1", recorded.RequestId);
        Assert.Equal("Be brief.", (string?)recorded.Body!["system"]);
        Assert.Equal(recorded.ReportedInputTokens, (long)completion["usage"]!["prompt_tokens"]!);
        Assert.Equal(recorded.ReportedOutputTokens, (long)completion["usage"]!["completion_tokens"]!);
    }

    [Fact]
    public async Task NonStreaming_ToolConversation_IsAcceptedAndToolUseComesBackAsToolCalls()
    {
        _server.Enqueue(AnthropicReply.ToolUse("get_weather", """{"city":"Oslo"}""", id: "toolu_01Z"));

        var response = await AnthropicClient.PostAsync(_server, Translate(ToolConversation, stream: false));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var completion = AnthropicResponseTranslator.ToOpenAI(JsonNode.Parse(body)!.AsObject(), "auto", Created);

        var choice = completion["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        var call = choice["message"]!["tool_calls"]![0]!;
        Assert.Equal("toolu_01Z", (string?)call["id"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"city":"Oslo"}"""), JsonNode.Parse((string)call["function"]!["arguments"]!)));
        var sent = Assert.Single(_server.Requests).Body!;
        Assert.Equal("any", (string?)sent["tool_choice"]!["type"]);
        Assert.Equal(3, sent["messages"]!.AsArray().Count);
    }

    [Fact]
    public async Task Streaming_Text_TranslatesToChunksWithUsageMatchingTheDouble()
    {
        const string Answer = "The quick brown fox jumps over the lazy dog.";
        _server.Enqueue(AnthropicReply.Text(Answer));
        var translator = new AnthropicStreamTranslator("auto", Created, includeUsage: true);
        var chunks = new List<string>();

        var response = await AnthropicClient.PostAsync(
            _server, Translate("""{"model":"auto","messages":[{"role":"user","content":"Pangram please"}]}""", stream: true), streamHeaders: true);
        await AnthropicClient.ReadEventsAsync(response, (name, data) => translator.OnEvent(name, data, chunks));

        Assert.True(translator.Finished);
        Assert.Null(translator.Error);
        Assert.Equal(Answer, OpenAIChunks.ConcatenateContent(chunks));
        Assert.Contains("\"role\":\"assistant\"", chunks[0], StringComparison.Ordinal);
        Assert.Contains("\"finish_reason\":\"stop\"", chunks[^2], StringComparison.Ordinal);
        var usage = JsonNode.Parse(chunks[^1])!;
        Assert.Empty(usage["choices"]!.AsArray());
        var recorded = Assert.Single(_server.Requests);
        Assert.Equal(recorded.ReportedInputTokens, (long)usage["usage"]!["prompt_tokens"]!);
        Assert.Equal(recorded.ReportedOutputTokens, (long)usage["usage"]!["completion_tokens"]!);
        Assert.Equal(recorded.ReportedOutputTokens, translator.CompletionTokens);
    }

    [Fact]
    public async Task Streaming_ToolUse_ArgumentsReassembleToTheScriptedInput()
    {
        _server.Enqueue(new AnthropicReply
        {
            Content =
            [
                new JsonObject { ["type"] = "text", ["text"] = "Checking both." },
                new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_01A", ["name"] = "get_weather", ["input"] = new JsonObject { ["city"] = "Oslo" } },
                new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_01B", ["name"] = "get_weather", ["input"] = new JsonObject { ["city"] = "Bergen, \"west\"" } },
            ],
            StopReason = "tool_use",
            StreamChunkChars = 3,
        });
        var translator = new AnthropicStreamTranslator("auto", Created, includeUsage: false);
        var chunks = new List<string>();

        var response = await AnthropicClient.PostAsync(_server, Translate(ToolConversation, stream: true), streamHeaders: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AnthropicClient.ReadEventsAsync(response, (name, data) => translator.OnEvent(name, data, chunks));

        Assert.True(translator.Finished);
        Assert.Equal("Checking both.", OpenAIChunks.ConcatenateContent(chunks));
        var arguments = OpenAIChunks.ConcatenateToolArguments(chunks);
        Assert.Equal(2, arguments.Count);
        Assert.Equal("Oslo", (string?)JsonNode.Parse(arguments[0])!["city"]);
        Assert.Equal("Bergen, \"west\"", (string?)JsonNode.Parse(arguments[1])!["city"]);
        Assert.Contains("\"finish_reason\":\"tool_calls\"", chunks[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(chunks, c => c.Contains("usage", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Streaming_InStreamErrorEvent_SetsErrorAndNeverFinishes()
    {
        _server.Enqueue(AnthropicReply.Failure(AnthropicFault.StreamErrorEvent));
        var translator = new AnthropicStreamTranslator("auto", Created, includeUsage: true);
        var chunks = new List<string>();

        var response = await AnthropicClient.PostAsync(
            _server, Translate("""{"model":"auto","messages":[{"role":"user","content":"hi"}]}""", stream: true), streamHeaders: true);
        await AnthropicClient.ReadEventsAsync(response, (name, data) => translator.OnEvent(name, data, chunks));

        Assert.False(translator.Finished);
        Assert.Equal("overloaded_error: Overloaded", translator.Error);
        Assert.NotEmpty(chunks);
        Assert.True(Assert.Single(_server.Requests).Faulted);
    }

    [Fact]
    public async Task Streaming_DroppedConnection_LeavesTranslatorUnfinished()
    {
        _server.Enqueue(AnthropicReply.Failure(AnthropicFault.DropMidStream));
        var translator = new AnthropicStreamTranslator("auto", Created, includeUsage: true);
        var chunks = new List<string>();

        var response = await AnthropicClient.PostAsync(
            _server, Translate("""{"model":"auto","messages":[{"role":"user","content":"hi"}]}""", stream: true), streamHeaders: true);
        var read = await Record.ExceptionAsync(() => AnthropicClient.ReadEventsAsync(response, (name, data) => translator.OnEvent(name, data, chunks)));

        Assert.False(translator.Finished);
        Assert.Null(translator.Error);
        Assert.True(read is null or IOException or HttpRequestException, read?.ToString());
        Assert.NotEmpty(chunks);
    }

    [Fact]
    public async Task NonStreaming_Overloaded_TranslatesToOpenAIServerError()
    {
        _server.Enqueue(AnthropicReply.Failure(AnthropicFault.Overloaded));

        var response = await AnthropicClient.PostAsync(_server, Translate("""{"model":"auto","messages":[{"role":"user","content":"hi"}]}""", stream: false));
        var error = AnthropicResponseTranslator.ErrorToOpenAI((int)response.StatusCode, await response.Content.ReadAsStringAsync());

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("server_error", (string?)error["error"]!["type"]);
        Assert.Equal("Overloaded", (string?)error["error"]!["message"]);
    }
}
