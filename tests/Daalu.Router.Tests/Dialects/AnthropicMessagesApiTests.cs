using System.Net;
using System.Text;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Daalu.TestDoubles.Anthropic;
using Xunit;

namespace Daalu.Router.Tests.Dialects;

/// <summary>
/// POST /v1/messages (Anthropic clients inbound) through the real router. Expected shapes: @anthropic-ai/sdk 1.10.0
/// resources/messages/messages.d.ts (Message, RawMessageStreamEvent members) and Anthropic's error shape
/// {"type":"error","error":{"type","message"}}.
/// </summary>
public sealed class AnthropicMessagesApiTests
{
    private const string Tools = ",\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";

    private static HttpRequestMessage Messages(string body, string? key = TestConfigs.KeyA, string? requestClass = null, string path = "/v1/messages")
    {
        var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            req.Headers.Add("x-api-key", key);
        }

        req.Headers.Add("anthropic-version", "2023-06-01");
        if (requestClass is not null)
        {
            req.Headers.Add("X-Daalu-Request-Class", requestClass);
        }

        return req;
    }

    private static string Body(string extra = "", bool stream = false) =>
        $"{{\"model\":\"m-general\",\"max_tokens\":256,\"stream\":{(stream ? "true" : "false")},\"system\":\"Be brief\",\"messages\":[{{\"role\":\"user\",\"content\":\"Hello there\"}}]{extra}}}";

    [Fact]
    public async Task Create_XApiKey_MessageObjectOnOwnGpuWithUsageAndHeaders()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (resp, body) = await f.Host.SendAsync(Messages(Body()));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("OwnGpu", Header.Get(resp, "X-Daalu-Tier"));
        using var doc = JsonDocument.Parse(body);
        var m = doc.RootElement;
        Assert.Equal("message", m.GetProperty("type").GetString());
        Assert.Equal("assistant", m.GetProperty("role").GetString());
        Assert.Equal("m-general", m.GetProperty("model").GetString());
        Assert.Equal("end_turn", m.GetProperty("stop_reason").GetString());
        var block = Assert.Single(m.GetProperty("content").EnumerateArray());
        Assert.Equal("text", block.GetProperty("type").GetString());
        Assert.StartsWith("answer from own", block.GetProperty("text").GetString(), StringComparison.Ordinal);
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(m.GetProperty("usage").GetProperty("output_tokens").GetInt64(), record.TokensOut);
        Assert.Equal(m.GetProperty("usage").GetProperty("input_tokens").GetInt64(), record.TokensIn);
        using var sent = JsonDocument.Parse(Assert.Single(f.Own.Calls).Body);
        Assert.Equal("system", sent.RootElement.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal(256, sent.RootElement.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task Create_Streaming_AnthropicEventOrderAndFinalUsage()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (resp, body) = await f.Host.SendAsync(Messages(Body(stream: true)));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var events = SseEvents.Parse(body);
        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Event));
        Assert.All(events, e => Assert.Equal(e.Event, e.Data.GetProperty("type").GetString()));
        var text = string.Concat(events.Where(e => e.Event == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString()));
        Assert.Equal("tok0 tok1 tok2 tok3 tok4 ", text);
        var delta = events.Single(e => e.Event == "message_delta").Data;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(5, delta.GetProperty("usage").GetProperty("output_tokens").GetInt64());
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(delta.GetProperty("usage").GetProperty("input_tokens").GetInt64(), record.TokensIn);
        Assert.False(record.Estimated);
    }

    [Fact]
    public async Task Create_Tools_ToolUseBlocksAndInputJsonDeltas()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (resp, body) = await f.Host.SendAsync(Messages(Body(Tools + ",\"tool_choice\":{\"type\":\"any\"}"), requestClass: "agent"));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("tool_use", doc.RootElement.GetProperty("stop_reason").GetString());
        var block = Assert.Single(doc.RootElement.GetProperty("content").EnumerateArray());
        Assert.Equal("tool_use", block.GetProperty("type").GetString());
        Assert.Equal("get_weather", block.GetProperty("name").GetString());
        Assert.Equal("Paris", block.GetProperty("input").GetProperty("city").GetString());
        using var sent = JsonDocument.Parse(Assert.Single(f.Own.Calls).Body);
        Assert.Equal("required", sent.RootElement.GetProperty("tool_choice").GetString());

        var (_, streamed) = await f.Host.SendAsync(Messages(Body(Tools, stream: true)));
        var events = SseEvents.Parse(streamed);
        var start = events.Single(e => e.Event == "content_block_start").Data.GetProperty("content_block");
        Assert.Equal("tool_use", start.GetProperty("type").GetString());
        Assert.Equal("call_1", start.GetProperty("id").GetString());
        var json = string.Concat(events.Where(e => e.Event == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("partial_json").GetString()));
        Assert.Equal("{\"city\":\"Paris\"}", json);
        Assert.Equal("tool_use", events.Single(e => e.Event == "message_delta").Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Create_ToolResultAndImage_TranslatedToToolMessageAndImagePart()
    {
        await using var f = await CascadeFixture.StartAsync(c => c.Backends[0].SupportsImages = true);
        var messages = "[{\"role\":\"user\",\"content\":\"Weather?\"},"
            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}]},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"18C\"},{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}},{\"type\":\"text\",\"text\":\"and this?\"}]}]";
        var (resp, _) = await f.Host.SendAsync(Messages($"{{\"model\":\"m-general\",\"max_tokens\":64,\"messages\":{messages}{Tools}}}", requestClass: "agent"));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        using var sent = JsonDocument.Parse(Assert.Single(f.Own.Calls).Body);
        var m = sent.RootElement.GetProperty("messages");
        Assert.Equal("toolu_1", m[1].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("{\"city\":\"Paris\"}", m[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool", m[2].GetProperty("role").GetString());
        Assert.Equal("18C", m[2].GetProperty("content").GetString());
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", m[3].GetProperty("content")[0].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public async Task Create_Errors_AnthropicShapedWithAnthropicTypes()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (r1, b1) = await f.Host.SendAsync(Messages(Body(), key: null));
        Assert.Equal(HttpStatusCode.Unauthorized, r1.StatusCode);
        AssertAnthropicError(b1, "authentication_error");

        var (r2, b2) = await f.Host.SendAsync(Messages("{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        Assert.Equal(HttpStatusCode.BadRequest, r2.StatusCode);
        Assert.Contains("max_tokens", AssertAnthropicError(b2, "invalid_request_error"), StringComparison.Ordinal);

        var (r3, b3) = await f.Host.SendAsync(Messages(Body().Replace("m-general", "no-such-model", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.NotFound, r3.StatusCode);
        AssertAnthropicError(b3, "not_found_error");
        Assert.Empty(f.Own.Calls);

        f.Own.Faults.Status = 500;
        f.Own.Faults.StatusCount = -1;
        f.Hosted.Faults.Status = 500;
        f.Hosted.Faults.StatusCount = -1;
        f.OpenAI.Faults.Status = 500;
        f.OpenAI.Faults.StatusCount = -1;
        var (r4, b4) = await f.Host.SendAsync(Messages(Body()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r4.StatusCode);
        Assert.Contains("No tier could serve", AssertAnthropicError(b4, "overloaded_error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_CodingClass_NeverReachesExternal()
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.Faults.Status = 503;
        f.Own.Faults.StatusCount = -1;
        f.Hosted.Faults.Status = 503;
        f.Hosted.Faults.StatusCount = -1;
        var (resp, body) = await f.Host.SendAsync(Messages(Body(), requestClass: "coding"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        AssertAnthropicError(body, "overloaded_error");
        Assert.DoesNotContain("External", Header.Get(resp, "X-Daalu-Route"), StringComparison.Ordinal);
        Assert.Empty(f.OpenAI.Calls);
    }

    [Fact]
    public async Task Create_StreamBreaksMidway_ErrorEventWithoutMessageStop()
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.Faults.DropAfterChunks = 2;
        // A reset connection can discard bytes still unread in the socket; pace the chunks so the router has read them.
        f.Own.Faults.ChunkDelay = TimeSpan.FromMilliseconds(50);
        var (resp, body) = await f.Host.SendAsync(Messages(Body(stream: true)));

        Assert.True(resp.StatusCode == HttpStatusCode.OK, body);
        var events = SseEvents.Parse(body);
        Assert.Equal("error", events[^1].Event);
        Assert.Equal("api_error", events[^1].Data.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain(events, e => e.Event == "message_stop");
    }

    [Fact]
    public async Task Create_AnthropicProviderUpstream_TranslatedThroughChatBothWays()
    {
        await using var a = await AnthropicDouble.StartAsync();
        await using var f = await CascadeFixture.StartAsync(c =>
        {
            c.Providers.Clear();
            c.Providers.Add(new ProviderConfig
            {
                Name = "claude",
                ApiStyle = ApiStyles.Anthropic,
                BaseUrl = a.BaseUrl,
                ApiKey = new SecretSource { Value = AnthropicDouble.DefaultApiKey },
                Models = [new ProviderModel { Name = "claude-x", Serves = ["m-general"] }],
            });
            c.Policies[0].Tiers = [TierNames.External];
        });
        a.Enqueue(AnthropicReply.Text("Hello from Claude double"));
        var (resp, body) = await f.Host.SendAsync(Messages(Body(stream: true)));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("claude", Header.Get(resp, "X-Daalu-Backend"));
        var events = SseEvents.Parse(body);
        Assert.Equal("message_stop", events[^1].Event);
        var text = string.Concat(events.Where(e => e.Event == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString()));
        Assert.Equal("Hello from Claude double", text);
        var seen = Assert.Single(a.Requests);
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal((seen.ReportedInputTokens, seen.ReportedOutputTokens), (record.TokensIn, record.TokensOut));
        Assert.Equal(seen.ReportedOutputTokens, events.Single(e => e.Event == "message_delta").Data.GetProperty("usage").GetProperty("output_tokens").GetInt64());
    }

    [Fact]
    public async Task CountTokens_Body_EstimateWithoutCallingAModel()
    {
        await using var f = await CascadeFixture.StartAsync();
        var body = "{\"model\":\"m-general\",\"system\":\"" + new string('s', 40) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('u', 360) + "\"}]}";
        var (resp, text) = await f.Host.SendAsync(Messages(body, path: "/v1/messages/count_tokens"));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("estimate", Header.Get(resp, "X-Daalu-Token-Count"));
        Assert.Equal(100, JsonDocument.Parse(text).RootElement.GetProperty("input_tokens").GetInt64());
        Assert.Empty(f.Own.Calls);

        var (r2, b2) = await f.Host.SendAsync(Messages(body, key: "wrong", path: "/v1/messages/count_tokens"));
        Assert.Equal(HttpStatusCode.Unauthorized, r2.StatusCode);
        AssertAnthropicError(b2, "authentication_error");
    }

    private static string AssertAnthropicError(string body, string type)
    {
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("error", doc.RootElement.GetProperty("type").GetString());
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        return error.GetProperty("message").GetString()!;
    }
}
