using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Daalu.Engine.Simulator.Server;
using Daalu.Engine.Simulator.Timing;
using Xunit;

namespace Daalu.Engine.Simulator.Tests;

/// <summary>
/// POST /v1/responses against vLLM's shapes (vllm/entrypoints/openai/responses/api_router.py, serving_responses.py and
/// responses/simple_streaming_events.py for a non-Harmony model): the response object and its usage, the stream's
/// event order with "event: TYPE" lines, sequence numbers from 0 and no [DONE], function calls, and the same prompt
/// accounting as a chat call with the same turns. Real HTTP on 127.0.0.1, time scale 0.
/// </summary>
public sealed class ResponsesWireTests : IAsyncLifetime
{
    private RunningSimulator _sim = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _sim = await SimulatorHost.StartAsync(new SimulatorOptions
    {
        ServedModelName = "qwen-chat", Profile = EngineProfiles.Create(GpuClass.Rtx2000Ada, ModelSpec.Qwen7BAwq), TimeScale = 0,
    });

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sim.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string ContentType, string Body)> PostAsync(string path, string json)
    {
        using var resp = await _http.PostAsync(_sim.BaseUrl + path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (resp.StatusCode, resp.Content.Headers.ContentType?.MediaType ?? "", await resp.Content.ReadAsStringAsync());
    }

    private static List<(string Event, JsonObject Data)> Frames(string body) =>
        body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(f =>
        {
            var lines = f.Split('\n');
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            return (lines[0]["event: ".Length..], JsonNode.Parse(lines[1]["data: ".Length..])!.AsObject());
        }).ToList();

    [Fact]
    public async Task Create_NonStreaming_ResponseObjectWithMessageAndUsageLikeTheSameChatCall()
    {
        var (status, _, body) = await PostAsync("/v1/responses", """{"model":"qwen-chat","instructions":"Be brief","input":"Say hi","max_output_tokens":5}""");
        var (_, _, chatBody) = await PostAsync("/v1/chat/completions", """{"model":"qwen-chat","messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"Say hi"}],"max_tokens":5}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var r = JsonNode.Parse(body)!.AsObject();
        var chat = JsonNode.Parse(chatBody)!.AsObject();
        Assert.Equal("response", (string?)r["object"]);
        Assert.StartsWith("resp_", (string?)r["id"], StringComparison.Ordinal);
        Assert.Equal("incomplete", (string?)r["status"]); // stopped by max_output_tokens, as chat's finish_reason "length"
        Assert.Equal("max_output_tokens", (string?)r["incomplete_details"]!["reason"]);
        var item = r["output"]![0]!;
        Assert.Equal("message", (string?)item["type"]);
        Assert.Equal("assistant", (string?)item["role"]);
        Assert.Equal("output_text", (string?)item["content"]![0]!["type"]);
        // The same turns, the same template and seed: the same text and the same prompt tokens as the chat call.
        Assert.Equal((string?)chat["choices"]![0]!["message"]!["content"], (string?)item["content"]![0]!["text"]);
        Assert.Equal((int)chat["usage"]!["prompt_tokens"]!, (int)r["usage"]!["input_tokens"]!);
        Assert.Equal(5, (int)r["usage"]!["output_tokens"]!);
        Assert.Equal((int)r["usage"]!["input_tokens"]! + 5, (int)r["usage"]!["total_tokens"]!);
        Assert.Equal("Be brief", (string?)r["instructions"]);
    }

    [Fact]
    public async Task Create_Streaming_VllmEventOrderSequenceNumbersNoDoneUsageInTheLastEvent()
    {
        var (status, type, body) = await PostAsync("/v1/responses", """{"model":"qwen-chat","input":[{"role":"user","content":[{"type":"input_text","text":"Say hi"}]}],"max_output_tokens":3,"stream":true}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/event-stream", type);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        var frames = Frames(body);
        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
             "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
             "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"],
            frames.Select(f => f.Event));
        Assert.Equal(Enumerable.Range(0, frames.Count), frames.Select(f => (int)f.Data["sequence_number"]!));
        Assert.All(frames, f => Assert.Equal(f.Event, (string?)f.Data["type"]));
        var deltas = string.Concat(frames.Where(f => f.Event == "response.output_text.delta").Select(f => (string?)f.Data["delta"]));
        Assert.Equal(deltas, (string?)frames.Single(f => f.Event == "response.output_text.done").Data["text"]);
        var last = frames[^1].Data["response"]!;
        Assert.Equal("incomplete", (string?)last["status"]); // stopped by max_output_tokens
        Assert.Equal(3, (int)last["usage"]!["output_tokens"]!);
        Assert.Null(frames[0].Data["response"]!["usage"]);
    }

    [Fact]
    public async Task Create_ToolsAndPromptNamesTheTool_FunctionCallItemAndArgumentEvents()
    {
        var req = """
            {"model":"qwen-chat","input":"What is the weather in Paris? Use get_weather.","stream":true,
             "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}
            """;
        var (status, _, body) = await PostAsync("/v1/responses", req);
        var (_, _, json) = await PostAsync("/v1/responses", req.Replace("\"stream\":true,", "", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, status);
        var frames = Frames(body);
        Assert.Equal("response.output_item.added", frames[2].Event);
        Assert.Equal("function_call", (string?)frames[2].Data["item"]!["type"]);
        Assert.DoesNotContain(frames, f => f.Event == "response.content_part.added");
        var args = string.Concat(frames.Where(f => f.Event == "response.function_call_arguments.delta").Select(f => (string?)f.Data["delta"]));
        Assert.Equal(args, (string?)frames.Single(f => f.Event == "response.function_call_arguments.done").Data["arguments"]);
        Assert.Equal("city", JsonNode.Parse(args)!.AsObject().Single().Key);
        var item = JsonNode.Parse(json)!["output"]![0]!;
        Assert.Equal("function_call", (string?)item["type"]);
        Assert.Equal("get_weather", (string?)item["name"]);
        Assert.StartsWith("call_", (string?)item["call_id"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"other","input":"hi"}""", HttpStatusCode.NotFound, "The model `other` does not exist.")]
    [InlineData("""{"model":"qwen-chat","input":"hi","previous_response_id":"resp_1"}""", HttpStatusCode.NotFound, "Response with id 'resp_1' not found.")]
    [InlineData("""{"model":"qwen-chat","input":[]}""", HttpStatusCode.BadRequest, "input must be a non-empty string or a list of input items")]
    public async Task Create_BadRequest_VllmErrorShape(string json, HttpStatusCode expected, string message)
    {
        var (status, _, body) = await PostAsync("/v1/responses", json);

        Assert.Equal(expected, status);
        Assert.Equal(message, (string?)JsonNode.Parse(body)!["error"]!["message"]);
    }
}
