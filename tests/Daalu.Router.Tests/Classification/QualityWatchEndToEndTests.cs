using System.Net;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Classification;

// The drift watch through the router: every answer sampled (100 %), the client's answer unchanged, the judge (the
// vLLM double of the tenant's own GPU) scores it in the background, and the mean shows in /metrics per tier and model.
public class QualityWatchEndToEndTests
{
    private static bool IsQualityJudge(string body) => body.Contains("\"max_tokens\":1", StringComparison.Ordinal) && body.Contains("You grade", StringComparison.Ordinal);

    private static Task<CascadeFixture> StartAsync(double percent) => CascadeFixture.StartAsync(c =>
    {
        foreach (var p in c.Policies)
        {
            // The difficulty judge only for unsure ratings below 1 %: these tests look at the quality watch alone.
            p.Judge = new JudgeSettings { Enabled = true, Model = "m-general", ConfidenceBelowPercent = 1, QualitySamplePercent = percent };
        }
    });

    private static async Task<string> WaitForMetricAsync(CascadeFixture f, string expected)
    {
        var text = string.Empty;
        await RouterTestHost.WaitUntilAsync(async () =>
        {
            text = await f.Host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            return text.Contains(expected, StringComparison.Ordinal);
        });
        return text;
    }

    [Fact]
    public async Task Chat_EveryAnswerSampled_ScoredInTheBackground()
    {
        await using var f = await StartAsync(100);
        f.Own.ChatReply = b => IsQualityJudge(b) ? "4" : null;

        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Contains("answer from own: tok0", body, StringComparison.Ordinal);
        var metrics = await WaitForMetricAsync(f, "daalu_router_quality_score_mean{tier=\"OwnGpu\",model=\"m-general\"} 4");
        Assert.Contains("daalu_router_quality_samples_total{result=\"queued\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("Hello there", metrics, StringComparison.Ordinal);
        var judged = Assert.Single(f.Own.Calls, c => IsQualityJudge(c.Body));
        Assert.Contains("answer from own: tok0", judged.Body, StringComparison.Ordinal);
        Assert.Single(f.Host.Meter.Records);
    }

    [Fact]
    public async Task Chat_StreamedAnswer_ClientGetsEveryEventAndTheStreamIsScored()
    {
        await using var f = await StartAsync(100);
        f.Own.ChatReply = b => IsQualityJudge(b) ? "2" : null;

        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: true));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Contains("tok4", body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        await WaitForMetricAsync(f, "daalu_router_quality_score_mean{tier=\"OwnGpu\",model=\"m-general\"} 2");
        var judged = Assert.Single(f.Own.Calls, c => IsQualityJudge(c.Body));
        Assert.Contains("tok0 tok1 tok2 tok3 tok4", judged.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_HostedAnswer_ScoredUnderHosted()
    {
        await using var f = await StartAsync(100);
        f.Own.ChatReply = b => IsQualityJudge(b) ? "5" : null;
        // The own card is saturated for serving but still judges (the judge call skips the cascade's checks).
        f.Own.KvCacheUsage = 0.99;
        await RouterTestHost.WaitUntilAsync(async () =>
        {
            var (_, explain) = await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain", TestConfigs.KeyA, "{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            return System.Text.Json.Nodes.JsonNode.Parse(explain)!["candidates"]![0]!["tier"]!.GetValue<string>() == TierNames.Hosted;
        });

        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal("Hosted", resp.Headers.GetValues("X-Daalu-Tier").Single());
        await WaitForMetricAsync(f, "daalu_router_quality_score_mean{tier=\"Hosted\",model=\"m-general\"} 5");
    }

    [Fact]
    public async Task Chat_SamplingOff_NothingQueued()
    {
        await using var f = await StartAsync(0);

        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var metrics = await f.Host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.DoesNotContain("daalu_router_quality_samples_total{", metrics, StringComparison.Ordinal);
        Assert.Single(f.Own.Calls);
    }
}
