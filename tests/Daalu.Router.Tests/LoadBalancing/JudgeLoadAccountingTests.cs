using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Backends;
using Daalu.Router.Classification.Judging;
using Daalu.Router.Classification.Quality;
using Daalu.Router.LoadBalancing;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

// The judge's calls (the difficulty judge on the request path, the quality drift watch in the background) are requests
// in the own card's batch: through the real router and the vLLM double standing for that card, the load view counts
// each in flight, with its KV tokens and its prompt in the prefill backlog (less the judge instruction the card already
// holds), and counts it out exactly once however it ends: an answer, a malformed answer, an error status, a timeout,
// the caller going away, or an exception.
public sealed class JudgeLoadAccountingTests
{
    private const string Own = "own-a";

    // No code, no math, no task verb, longer than a short question: the learned stage decides, unsure, so the judge is
    // asked (the prompt of Classification/JudgeEndToEndTests).
    private const string Unsure = "Tell me about the history of the bicycle and how it changed cities like ZEBRA_MARKER_77.";

    private static string Body(string user) =>
        "{\"model\":\"m-general\",\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},{\"role\":\"user\",\"content\":\"" + user + "\"}]}";

    private static bool IsDifficultyJudge(string body) => body.Contains("Rate how hard", StringComparison.Ordinal);

    private static Task<CascadeFixture> StartAsync(int timeoutMs = 2000) => CascadeFixture.StartAsync(c =>
    {
        foreach (var p in c.Policies)
        {
            p.Judge = new JudgeSettings { Enabled = true, Model = "m-general", ConfidenceBelowPercent = 100, TimeoutMs = timeoutMs, QualitySamplePercent = 0 };
        }
    });

    private static async Task<string> ExplainOutcomeAsync(CascadeFixture f, string user, CancellationToken ct = default)
    {
        var (resp, text) = await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain", TestConfigs.KeyA, Body(user)), ct);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return JsonNode.Parse(text)!["classification"]!["judge"]!["outcome"]!.GetValue<string>();
    }

    private static void AssertIdle(BackendRegistry registry)
    {
        var v = registry.View(Own);
        Assert.Equal(0, v.InFlight);
        Assert.Equal(0, v.Load!.InFlight);
        Assert.Equal(0, v.Load.InFlightTokens);
        Assert.Equal(0, v.Load.PrefillBacklogTokens);
    }

    private static Task WaitUntilJudgeCountedAsync(BackendRegistry registry) =>
        RouterTestHost.WaitUntilAsync(() => Task.FromResult(registry.View(Own).Load is { InFlight: 1, PrefillBacklogTokens: > 0 }), 10_000);

    [Theory]
    [InlineData("2", "rated")]
    [InlineData("Hard", "malformed")]
    public async Task Explain_JudgeAnswers_InFlightTokensAndBacklogWhileItRunsThenOutOnce(string answer, string outcome)
    {
        await using var f = await StartAsync();
        var registry = f.Host.Router.Services.GetRequiredService<BackendRegistry>();
        LoadEstimate? during = null;
        int? inFlightDuring = null;
        f.Own.ChatReply = b =>
        {
            if (!IsDifficultyJudge(b))
            {
                return null;
            }

            (inFlightDuring, during) = (registry.View(Own).InFlight, registry.View(Own).Load);
            return answer;
        };

        Assert.Equal(outcome, await ExplainOutcomeAsync(f, Unsure));

        // The card saw nothing before, so the whole judge prompt is prefill; the KV estimate adds the one digit it answers.
        var load = JudgeLoad.Of(JudgePrompts.Difficulty("m-general", Unsure));
        Assert.Equal(1, inFlightDuring);
        Assert.Equal(1, during!.InFlight);
        Assert.Equal(load.PromptTokens, during.PrefillBacklogTokens);
        Assert.Equal(load.PromptTokens + JudgeLoad.AnswerTokens, during.InFlightTokens);
        AssertIdle(registry);
    }

    [Fact]
    public async Task Explain_JudgeAnswersAServerError_CountedOutOnce()
    {
        await using var f = await StartAsync();
        var registry = f.Host.Router.Services.GetRequiredService<BackendRegistry>();
        f.Own.Faults.Status = 500;
        f.Own.Faults.StatusCount = 1;

        Assert.Equal("error", await ExplainOutcomeAsync(f, Unsure));

        Assert.Single(f.Own.Calls);
        AssertIdle(registry);
    }

    [Fact]
    public async Task Explain_JudgeSlowerThanTimeout_CountedUntilTheRouterGivesUpThenOut()
    {
        await using var f = await StartAsync(timeoutMs: 1500);
        var registry = f.Host.Router.Services.GetRequiredService<BackendRegistry>();
        f.Own.Faults.DelayBeforeFirstByte = TimeSpan.FromSeconds(30);

        var explain = ExplainOutcomeAsync(f, Unsure);
        await WaitUntilJudgeCountedAsync(registry);

        Assert.Equal("timeout", await explain);
        AssertIdle(registry);
    }

    [Fact]
    public async Task Explain_CallerGoesAwayWhileTheJudgeRuns_CountedOut()
    {
        await using var f = await StartAsync(timeoutMs: 5000); // the longest the policy allows
        var registry = f.Host.Router.Services.GetRequiredService<BackendRegistry>();
        f.Own.Faults.DelayBeforeFirstByte = TimeSpan.FromSeconds(30);
        using var cts = new CancellationTokenSource();

        var explain = ExplainOutcomeAsync(f, Unsure, cts.Token);
        await WaitUntilJudgeCountedAsync(registry);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => explain);
        await RouterTestHost.WaitUntilAsync(() => Task.FromResult(registry.View(Own).InFlight == 0), 10_000);
        AssertIdle(registry);
        // Out by the cancellation, not by the judge's own timeout (which would count a timeout outcome).
        var metrics = await f.Host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.DoesNotContain("outcome=\"timeout\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_SecondConversationJudgedOnTheSameCard_InstructionNotCountedAsPrefillAgain()
    {
        await using var f = await StartAsync();
        var registry = f.Host.Router.Services.GetRequiredService<BackendRegistry>();
        var backlogs = new List<long>();
        f.Own.ChatReply = b =>
        {
            if (IsDifficultyJudge(b))
            {
                backlogs.Add(registry.View(Own).Load!.PrefillBacklogTokens);
            }

            return IsDifficultyJudge(b) ? "2" : null;
        };
        const string other = "Tell me about the history of the tram and how it changed towns like QUAGGA_MARKER_12.";

        await ExplainOutcomeAsync(f, Unsure);
        await ExplainOutcomeAsync(f, other); // another conversation: the judge cache has no verdict for it

        // vLLM's prefix cache holds the judge instruction's blocks after the first call: only the rest is prefilled.
        var first = JudgeLoad.Of(JudgePrompts.Difficulty("m-general", Unsure));
        var second = JudgeLoad.Of(JudgePrompts.Difficulty("m-general", other));
        Assert.Equal(("system\n" + JudgePrompts.DifficultyInstruction + "\n").Length / PrefixHasher.BlockChars, second.Key!.Value.SharedBlocks); // 4 whole blocks, 64 tokens
        Assert.Equal([first.PromptTokens, second.PromptTokens - (second.Key.Value.SharedBlocks * PrefixIndex.BlockTokens)], backlogs);
        AssertIdle(registry);
    }

    private static QualitySample Sample(CascadeFixture f, string judgeUrl) =>
        new(TierNames.OwnGpu, "m-general", "Summarise the meeting notes.", Encoding.UTF8.GetBytes("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"The team agreed to ship on Friday.\"}}]}"),
            false, judgeUrl, null, "m-general", Own);

    [Fact]
    public async Task ScoreAsync_QualityJudgeAnswers_CountedWhileItRunsThenOutOnce()
    {
        await using var f = await StartAsync();
        var registry = f.Host.Router.Services.GetRequiredService<BackendRegistry>();
        var watch = f.Host.Router.Services.GetRequiredService<QualityWatch>();
        long? backlogDuring = null;
        f.Own.ChatReply = b =>
        {
            backlogDuring = registry.View(Own).Load!.PrefillBacklogTokens;
            return "4";
        };
        var sample = Sample(f, f.Own.BaseUrl);

        await watch.ScoreAsync(sample, CancellationToken.None);

        var answer = "The team agreed to ship on Friday.";
        Assert.Equal(JudgeLoad.Of(JudgePrompts.Quality("m-general", sample.Prompt, answer)).PromptTokens, backlogDuring);
        AssertIdle(registry);
    }

    [Fact]
    public async Task ScoreAsync_WatchStoppedWhileTheJudgeRuns_CountedOut()
    {
        await using var f = await StartAsync();
        var registry = f.Host.Router.Services.GetRequiredService<BackendRegistry>();
        var watch = f.Host.Router.Services.GetRequiredService<QualityWatch>();
        f.Own.Faults.DelayBeforeFirstByte = TimeSpan.FromSeconds(30);
        using var cts = new CancellationTokenSource();

        var score = watch.ScoreAsync(Sample(f, f.Own.BaseUrl), cts.Token);
        await WaitUntilJudgeCountedAsync(registry);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => score);
        AssertIdle(registry);
    }

    [Fact]
    public async Task ScoreAsync_SendingThrows_CountedOutAndTheExceptionPropagates()
    {
        await using var f = await StartAsync();
        var registry = f.Host.Router.Services.GetRequiredService<BackendRegistry>();
        var watch = f.Host.Router.Services.GetRequiredService<QualityWatch>();

        // A scheme the HTTP handler does not support: neither an HttpRequestException nor an IOException, so the judge
        // client does not turn it into an outcome and it reaches the watch's worker loop, which counts it as an error.
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => watch.ScoreAsync(Sample(f, "ftp://127.0.0.1:1"), CancellationToken.None));

        Assert.IsNotType<HttpRequestException>(ex);
        Assert.IsNotAssignableFrom<OperationCanceledException>(ex);
        Assert.Empty(f.Own.Calls);
        AssertIdle(registry);
    }
}
