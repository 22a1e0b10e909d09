using System.Net;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Tests.Infrastructure;
using Daalu.TestDoubles.Anthropic;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

public sealed class AnthropicTests
{
    private const string Tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}],\"tool_choice\":\"auto\"";

    private static async Task<(CascadeFixture F, AnthropicDouble A)> StartAsync()
    {
        var a = await AnthropicDouble.StartAsync();
        var f = await CascadeFixture.StartAsync(c =>
        {
            c.Providers.Clear();
            c.Providers.Add(new ProviderConfig
            {
                Name = "claude",
                ApiStyle = ApiStyles.Anthropic,
                BaseUrl = a.BaseUrl,
                ApiKey = new SecretSource { Value = AnthropicDouble.DefaultApiKey },
                Models = [new ProviderModel { Name = "claude-x", Serves = ["m-general"], InputPricePerMTok = 3, OutputPricePerMTok = 15 }],
            });
            c.Policies[0].Tiers = [TierNames.External];
        });
        return (f, a);
    }

    [Fact]
    public async Task Chat_AnthropicToolUseNonStreaming_TranslatedBothWays()
    {
        var (f, a) = await StartAsync();
        await using var _ = f;
        await using var __ = a;
        a.Enqueue(AnthropicReply.ToolUse("get_weather", "{\"city\":\"Paris\"}"));
        var req = RouterTestHost.Chat(TestConfigs.KeyA, requestClass: "agent", extra: Tools);
        req.Headers.Add("X-Request-Id", "req-anthropic-1");
        var (resp, body) = await f.Host.SendAsync(req);

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("External", Header.Get(resp, "X-Daalu-Tier"));
        Assert.Equal("claude", Header.Get(resp, "X-Daalu-Backend"));
        Assert.Equal("claude-x", Header.Get(resp, "X-Daalu-Model"));
        using var doc = JsonDocument.Parse(body);
        var choice = doc.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Contains("Paris", call.GetProperty("function").GetProperty("arguments").GetString(), StringComparison.Ordinal);
        var seen = Assert.Single(a.Requests);
        Assert.Equal(200, seen.StatusCode);
        Assert.Equal("req-anthropic-1", seen.RequestId);
        Assert.Equal(AnthropicDouble.DefaultApiKey, seen.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", seen.Headers["anthropic-version"]);
        Assert.Equal("get_weather", seen.Body!["tools"]![0]!["name"]!.GetValue<string>());
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal((seen.ReportedInputTokens, seen.ReportedOutputTokens), (record.TokensIn, record.TokensOut));
        Assert.Equal(3m, record.ExternalInputPerMTok);
    }

    [Fact]
    public async Task Chat_AnthropicStreamingText_OpenAIChunksAndDone()
    {
        var (f, a) = await StartAsync();
        await using var _ = f;
        await using var __ = a;
        a.Enqueue(AnthropicReply.Text("Hello from Claude double"));
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: true));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var data = body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        Assert.Equal("[DONE]", data[^1]);
        var text = string.Concat(data.SkipLast(1).Select(d =>
        {
            using var doc = JsonDocument.Parse(d);
            var choices = doc.RootElement.GetProperty("choices");
            return choices.GetArrayLength() > 0 && choices[0].GetProperty("delta").TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : "";
        }));
        Assert.Equal("Hello from Claude double", text);
        Assert.DoesNotContain(data, d => d.Contains("\"usage\":{", StringComparison.Ordinal));
        var seen = Assert.Single(a.Requests);
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal((seen.ReportedInputTokens, seen.ReportedOutputTokens), (record.TokensIn, record.TokensOut));
    }

    [Fact]
    public async Task Chat_AnthropicStreamingToolUse_ToolCallDeltas()
    {
        var (f, a) = await StartAsync();
        await using var _ = f;
        await using var __ = a;
        a.Enqueue(AnthropicReply.ToolUse("get_weather", "{\"city\":\"Paris\"}", leadingText: "Let me check."));
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: true, includeUsage: true, extra: Tools));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Contains("\"tool_calls\"", body, StringComparison.Ordinal);
        Assert.Contains("\"finish_reason\":\"tool_calls\"", body, StringComparison.Ordinal);
        Assert.Contains("\"usage\":{", body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_AnthropicOverloadedThenDroppedStream_FallThroughOrInBandError()
    {
        var (f, a) = await StartAsync();
        await using var _ = f;
        await using var __ = a;
        a.Enqueue(AnthropicReply.Failure(AnthropicFault.Overloaded));
        var (r1, b1) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r1.StatusCode);
        Assert.Contains("External:claude=ServerError", b1, StringComparison.Ordinal);

        a.Enqueue(new AnthropicReply
        {
            Content = [new System.Text.Json.Nodes.JsonObject { ["type"] = "text", ["text"] = "This answer is cut off by a fault." }],
            Fault = AnthropicFault.StreamErrorEvent,
            EventsBeforeFault = 6,
        });
        var (r2, b2) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: true));
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.DoesNotContain("[DONE]", b2, StringComparison.Ordinal);
        Assert.Contains("\"error\"", b2, StringComparison.Ordinal);
    }
}
