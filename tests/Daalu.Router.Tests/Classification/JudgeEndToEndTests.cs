using System.Net;
using System.Text.Json.Nodes;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Classification;

// The judge stage through the router against the vLLM double standing for the tenant's own GPU (which serves the
// judge model): it decides unsure ratings, pays once per conversation, keeps the learned rating on a timeout or a
// malformed answer, is off by default, is never billed, and leaves no prompt text in metrics.
public class JudgeEndToEndTests
{
    private const string Secret = "ZEBRA_MARKER_77";

    // No code, no math, no task verb, longer than a short question: the heuristic is unsure and the learned stage decides.
    private static readonly string Unsure = "Tell me about the history of the bicycle and how it changed cities like " + Secret + ".";

    private static string Body(string user, string extraTurns = "", string model = "m-general") =>
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},{\"role\":\"user\",\"content\":\"" + user + "\"}" + extraTurns + "]}";

    private static bool IsDifficultyJudge(string body) => body.Contains("\"max_tokens\":1", StringComparison.Ordinal) && body.Contains("Rate how hard", StringComparison.Ordinal);

    private static Task<CascadeFixture> StartAsync(int timeoutMs = 2000, bool enabled = true) => CascadeFixture.StartAsync(c =>
    {
        foreach (var p in c.Policies)
        {
            // 100: every rating the learned stage decides is unsure enough to ask (its confidence is below 1).
            p.Judge = new JudgeSettings { Enabled = enabled, Model = "m-general", ConfidenceBelowPercent = 100, TimeoutMs = timeoutMs, QualitySamplePercent = 0 };
        }
    });

    private static async Task<JsonNode> ExplainAsync(CascadeFixture f, string body)
    {
        var (resp, text) = await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain", TestConfigs.KeyA, body));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return JsonNode.Parse(text)!["classification"]!;
    }

    [Fact]
    public async Task Explain_LearnedStageUnsure_JudgeRatesAndDecides()
    {
        await using var f = await StartAsync();
        f.Own.ChatReply = b => IsDifficultyJudge(b) ? "3" : null;

        var c = await ExplainAsync(f, Body(Unsure));

        var d = c["difficulty"]!;
        Assert.Equal(3, d["rating"]!.GetValue<int>());
        Assert.Equal("judge", d["decided_by"]!.GetValue<string>());
        Assert.Equal(["heuristic", "learned", "judge"], d["stages"]!.AsArray().Select(s => s!["stage"]!.GetValue<string>()));
        var j = c["judge"]!;
        Assert.Equal("rated", j["outcome"]!.GetValue<string>());
        Assert.Equal(3, j["rating"]!.GetValue<int>());
        Assert.False(j["cached"]!.GetValue<bool>());
        Assert.Equal("own-a", j["backend"]!.GetValue<string>());
        Assert.True(j["latency_ms"]!.GetValue<double>() > 0);
        var call = Assert.Single(f.Own.Calls);
        Assert.Contains("\"temperature\":0", call.Body, StringComparison.Ordinal);
        Assert.Equal("Bearer " + TestConfigs.BackendKey, call.Headers["authorization"]);
        Assert.Empty(f.Hosted.Calls);
    }

    [Fact]
    public async Task Explain_LaterTurnOfTheSameConversation_CachedNoSecondCall()
    {
        await using var f = await StartAsync();
        f.Own.ChatReply = b => IsDifficultyJudge(b) ? "2" : null;

        await ExplainAsync(f, Body(Unsure));
        var c = await ExplainAsync(f, Body(Unsure, ",{\"role\":\"assistant\",\"content\":\"It began in 1817.\"},{\"role\":\"user\",\"content\":\"Tell me more about the nineteenth century part of the story please.\"}"));

        var j = c["judge"]!;
        Assert.Equal("cached", j["outcome"]!.GetValue<string>());
        Assert.True(j["cached"]!.GetValue<bool>());
        Assert.Equal(2, c["difficulty"]!["rating"]!.GetValue<int>());
        Assert.Single(f.Own.Calls);
        var metrics = await f.Host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("daalu_router_judge_calls_total{purpose=\"difficulty\",outcome=\"rated\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("daalu_router_judge_calls_total{purpose=\"difficulty\",outcome=\"cached\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_JudgeSlowerThanTimeout_LearnedRatingStands()
    {
        await using var f = await StartAsync(timeoutMs: 100);
        f.Own.ChatReply = b => IsDifficultyJudge(b) ? "3" : null;
        f.Own.Faults.DelayBeforeFirstByte = TimeSpan.FromSeconds(10);

        var c = await ExplainAsync(f, Body(Unsure));

        Assert.Equal("timeout", c["judge"]!["outcome"]!.GetValue<string>());
        Assert.Null(c["judge"]!["rating"]);
        Assert.Equal("learned", c["difficulty"]!["decided_by"]!.GetValue<string>());
        Assert.True(c["judge"]!["latency_ms"]!.GetValue<double>() < 5000);
    }

    [Fact]
    public async Task Explain_MalformedAnswer_LearnedRatingStands()
    {
        await using var f = await StartAsync();
        f.Own.ChatReply = b => IsDifficultyJudge(b) ? "Hard" : null;

        var c = await ExplainAsync(f, Body(Unsure));

        Assert.Equal("malformed", c["judge"]!["outcome"]!.GetValue<string>());
        var d = c["difficulty"]!;
        Assert.Equal("learned", d["decided_by"]!.GetValue<string>());
        Assert.DoesNotContain(d["stages"]!.AsArray(), s => s!["stage"]!.GetValue<string>() == "judge");
    }

    [Fact]
    public async Task Explain_JudgeNotEnabled_NoJudgeCall()
    {
        await using var f = await StartAsync(enabled: false);

        var c = await ExplainAsync(f, Body(Unsure));

        Assert.Null(c["judge"]);
        Assert.Equal("learned", c["difficulty"]!["decided_by"]!.GetValue<string>());
        Assert.Empty(f.Own.Calls);
    }

    [Fact]
    public async Task Explain_HeuristicSure_JudgeNotAsked()
    {
        await using var f = await StartAsync();

        var c = await ExplainAsync(f, Body("What is the capital of France?"));

        Assert.Null(c["judge"]);
        Assert.Empty(f.Own.Calls);
    }

    [Fact]
    public async Task Chat_JudgedRequest_OnlyTheAnswerIsMeteredAndReserved()
    {
        await using var f = await StartAsync();
        f.Own.ChatReply = b => IsDifficultyJudge(b) ? "1" : null;

        // Model auto: the plan uses the rating, so the router rates (and here judges) the prompt; for a named model
        // without the hard-prompt rule it would not rate it at all (CascadePlanner.UsesComplexity).
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, Body(Unsure, model: "auto")));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(2, f.Own.Calls.Count);
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(TierNames.OwnGpu, record.Tier);
        Assert.Equal(0, f.Host.Quota.Reserves);
    }
}
