using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Daalu.Engine.Simulator.Server;
using Daalu.Engine.Simulator.Timing;
using Xunit;

namespace Daalu.Engine.Simulator.Tests;

/// <summary>The server's routes against the vLLM wire shapes in /work/shared/VLLM.md (real HTTP on 127.0.0.1, time scale 0).</summary>
public sealed class WireFormatTests : IAsyncLifetime
{
    private const string Model = "qwen-chat";
    private RunningSimulator _chat = null!;
    private RunningSimulator _embed = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _chat = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            ServedModelName = Model, Profile = EngineProfiles.Create(GpuClass.Rtx2000Ada, ModelSpec.Qwen7BAwq), TimeScale = 0,
        });
        _embed = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Model = ModelSpec.BgeM3.DefaultModelId, Task = SimulatorTasks.Embed, Profile = EngineProfiles.Create(GpuClass.Rtx2000Ada, ModelSpec.BgeM3), TimeScale = 0,
        });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _chat.DisposeAsync();
        await _embed.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(RunningSimulator sim, string path, string json)
    {
        using var resp = await _http.PostAsync(sim.BaseUrl + path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (resp.StatusCode, JsonNode.Parse(await resp.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task Models_ListsServedNameWithVllmFields()
    {
        var body = (await _http.GetFromJsonAsync<JsonObject>(_chat.BaseUrl + "/v1/models"))!;
        var m = body["data"]![0]!.AsObject();
        Assert.Equal("list", (string?)body["object"]);
        Assert.Equal(Model, (string?)m["id"]);
        Assert.Equal("vllm", (string?)m["owned_by"]);
        Assert.Equal(ModelSpec.Qwen7BAwq.DefaultModelId, (string?)m["root"]);
        Assert.Null(m["parent"]);
        Assert.Equal(32768, (int)m["max_model_len"]!);
        Assert.Equal("model_permission", (string?)m["permission"]![0]!["object"]);
    }

    [Fact]
    public async Task Chat_NonStreaming_SaysSimulatedAndCountsUsage()
    {
        var req = """{"model":"qwen-chat","messages":[{"role":"user","content":"Say hi"}],"max_tokens":5}""";
        var (status, body) = await PostAsync(_chat, "/v1/chat/completions", req);
        var (_, again) = await PostAsync(_chat, "/v1/chat/completions", req);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("chat.completion", (string?)body["object"]);
        var choice = body["choices"]![0]!;
        Assert.StartsWith("[simulated]", (string?)choice["message"]!["content"], StringComparison.Ordinal);
        Assert.Equal("length", (string?)choice["finish_reason"]);
        Assert.Equal(5, (int)body["usage"]!["completion_tokens"]!);
        Assert.Equal((int)body["usage"]!["prompt_tokens"]! + 5, (int)body["usage"]!["total_tokens"]!);
        Assert.Equal((string?)choice["message"]!["content"], (string?)again["choices"]![0]!["message"]!["content"]);
    }

    [Fact]
    public async Task Chat_StreamingWithIncludeUsage_RoleFirstUsageChunkLastThenDone()
    {
        var events = await StreamAsync("""{"model":"qwen-chat","messages":[{"role":"user","content":"Say hi"}],"max_tokens":6,"stream":true,"stream_options":{"include_usage":true}}""");
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e)!.AsObject()).ToList();
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("length", (string?)chunks[^2]["choices"]![0]!["finish_reason"]);
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
        Assert.Equal(6, (int)chunks[^1]["usage"]!["completion_tokens"]!);
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", (string?)c["object"]));
    }

    [Fact]
    public async Task Chat_StreamingWithoutIncludeUsage_NoUsageChunk()
    {
        var events = await StreamAsync("""{"model":"qwen-chat","messages":[{"role":"user","content":"Say hi"}],"max_tokens":3,"stream":true}""");
        Assert.DoesNotContain(events[..^1], e => JsonNode.Parse(e)!["usage"] is not null);
    }

    [Fact]
    public async Task Chat_ToolsAndPromptNamesTheTool_ToolCallWithRequiredArguments()
    {
        var (status, body) = await PostAsync(_chat, "/v1/chat/completions", """
            {"model":"qwen-chat","messages":[{"role":"user","content":"What is the weather in Paris? Use get_weather."}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
               "properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer"}},
               "required":["city","unit"]}}}]}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var choice = body["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        var call = choice["message"]!["tool_calls"]![0]!;
        Assert.Equal("function", (string?)call["type"]);
        Assert.Equal("get_weather", (string?)call["function"]!["name"]);
        var args = JsonNode.Parse((string)call["function"]!["arguments"]!)!.AsObject();
        Assert.Equal(["city", "unit"], args.Select(p => p.Key).Order());
        Assert.Equal("celsius", (string?)args["unit"]);
    }

    [Fact]
    public async Task Chat_ToolsButPromptDoesNotAsk_TextReply()
    {
        var (_, body) = await PostAsync(_chat, "/v1/chat/completions", """
            {"model":"qwen-chat","messages":[{"role":"user","content":"Just say hello"}],"max_tokens":4,
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{}}}}]}
            """);
        Assert.Empty(body["choices"]![0]!["message"]!["tool_calls"]!.AsArray());
    }

    [Fact]
    public async Task Completions_ReturnsTextCompletion()
    {
        var (status, body) = await PostAsync(_chat, "/v1/completions", """{"model":"qwen-chat","prompt":"Once upon","max_tokens":4}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text_completion", (string?)body["object"]);
        Assert.StartsWith("[simulated]", (string?)body["choices"]![0]!["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_OnChatModel_VllmError()
    {
        var (status, body) = await PostAsync(_chat, "/v1/embeddings", """{"model":"qwen-chat","input":"hello"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The model does not support Embeddings API", (string?)body["error"]!["message"]);
        Assert.Equal(400, (int)body["error"]!["code"]!);
    }

    [Fact]
    public async Task Embeddings_OnEmbeddingModel_UnitVectorsPerInput()
    {
        var (status, body) = await PostAsync(_embed, "/v1/embeddings", """{"model":"BAAI/bge-m3","input":["a","b"]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var data = body["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        var v = data[0]!["embedding"]!.AsArray().Select(x => (double)x!).ToArray();
        Assert.Equal(1024, v.Length);
        Assert.InRange(v.Sum(x => x * x), 0.999, 1.001);
        var (chatStatus, _) = await PostAsync(_embed, "/v1/chat/completions", """{"model":"BAAI/bge-m3","messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, chatStatus);
    }

    [Fact]
    public async Task Chat_UnknownModel_404InVllmShape()
    {
        var (status, body) = await PostAsync(_chat, "/v1/chat/completions", """{"model":"nope","messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("The model `nope` does not exist.", (string?)body["error"]!["message"]);
    }

    [Fact]
    public async Task Chat_PromptPlusMaxTokensOverMaxModelLen_400()
    {
        var (status, body) = await PostAsync(_chat, "/v1/chat/completions", """{"model":"qwen-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":40000}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("maximum context length is 32768 tokens", (string?)body["error"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_VllmNamesAndLabels()
    {
        await PostAsync(_chat, "/v1/chat/completions", """{"model":"qwen-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":2}""");
        var text = await _http.GetStringAsync(_chat.BaseUrl + "/metrics");
        foreach (var name in new[]
        {
            "vllm:num_requests_running{engine=\"0\",model_name=\"qwen-chat\"}", "vllm:num_requests_waiting{", "vllm:kv_cache_usage_perc{",
            "vllm:num_preemptions_total{", "vllm:prompt_tokens_total{", "vllm:generation_tokens_total{", "vllm:prefix_cache_queries_total{",
            "vllm:prefix_cache_hits_total{", "vllm:request_success_total{engine=\"0\",model_name=\"qwen-chat\",finished_reason=\"length\"} ",
            "vllm:time_to_first_token_seconds_bucket{", "vllm:inter_token_latency_seconds_count{", "vllm:e2e_request_latency_seconds_sum{",
            "vllm:request_queue_time_seconds_bucket{", "vllm:request_prompt_tokens_bucket{", "vllm:request_generation_tokens_bucket{",
        })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }

        using var health = await _http.GetAsync(_chat.BaseUrl + "/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private async Task<string[]> StreamAsync(string json)
    {
        using var resp = await _http.PostAsync(_chat.BaseUrl + "/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal("text/event-stream", resp.Content.Headers.ContentType?.MediaType);
        var text = await resp.Content.ReadAsStringAsync();
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToArray();
    }
}
