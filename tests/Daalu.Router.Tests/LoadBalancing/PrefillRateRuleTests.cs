using Daalu.Router.LoadBalancing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

// How a card's prefill rate is learned from first tokens. vLLM prefills waiting prompts first come, first served under a
// per-step token budget, chunking long prompts (vLLM docs, "Optimization and Tuning", Chunked Prefill), so a call sent
// while a long prefill is under way waits only for what is left of it. The default rule credits each call's uncached
// tokens to the busy time since the previous first token; the tenth session's rule credited every token queued ahead
// of a call to that call's own wait, and learned more than twice the card's rate on the workload benchmark.
public sealed class PrefillRateRuleTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void RecordTtft_CallsServedOneAfterAnother_RateIsTokensOverTheBusyTime()
    {
        var time = new FakeTimeProvider(T0);
        var t = new LoadTracker(time);
        var a = t.Enter(2000, 1500, null);
        var b = t.Enter(2000, 1300, null);

        time.Advance(TimeSpan.FromMilliseconds(1000));
        t.RecordTtft(1000, a);
        Assert.Equal(1.5, t.Estimate().PrefillTokensPerMs);

        time.Advance(TimeSpan.FromMilliseconds(1000));
        t.RecordTtft(2000, b); // 1,300 tokens in the 1,000 ms since a's first token, smoothed 0.8 old + 0.2 new
        Assert.Equal((0.8 * 1.5) + (0.2 * 1.3), t.Estimate().PrefillTokensPerMs!.Value, 9);
    }

    [Fact]
    public void RecordTtft_CallSentWhileALongPrefillWasUnderWay_WorkInProgressNotCreditedTwice()
    {
        // A card prefilling at 1.4 tokens/ms: a 5,600-token prompt takes 4,000 ms; a 1,400-token call sent 3,500 ms into
        // it has its first token 1,000 ms after that (500 ms of the long prefill left, then its own 1,000 ms).
        var time = new FakeTimeProvider(T0);
        var perCall = new LoadTracker(time) { Rule = PrefillRateRule.WaitedPerCall };
        var served = new LoadTracker(time);
        var longOld = perCall.Enter(6000, 5600, null);
        var longNew = served.Enter(6000, 5600, null);
        time.Advance(TimeSpan.FromMilliseconds(3500));
        var shortOld = perCall.Enter(1500, 1400, null);
        var shortNew = served.Enter(1500, 1400, null);

        time.Advance(TimeSpan.FromMilliseconds(500));
        perCall.RecordTtft(4000, longOld);
        served.RecordTtft(4000, longNew);
        time.Advance(TimeSpan.FromMilliseconds(1000));
        perCall.RecordTtft(1500, shortOld);
        served.RecordTtft(1500, shortNew);

        // The per-call rule counts all 5,600 tokens ahead as waited for in the short call's 1,500 ms: 4.67 tokens/ms.
        Assert.Equal((0.8 * 1.4) + (0.2 * (7000 / 1500.0)), perCall.Estimate().PrefillTokensPerMs!.Value, 9);
        Assert.Equal(1.4, served.Estimate().PrefillTokensPerMs!.Value, 9);
    }

    [Fact]
    public void RecordTtft_IdleBetweenBursts_IdleTimeNotCounted()
    {
        var time = new FakeTimeProvider(T0);
        var t = new LoadTracker(time);
        var a = t.Enter(1000, 700, null);
        time.Advance(TimeSpan.FromMilliseconds(500));
        t.RecordTtft(500, a); // 700 tokens: too few to learn from yet, kept
        Assert.Null(t.Estimate().PrefillTokensPerMs);
        t.Exit(a);

        time.Advance(TimeSpan.FromSeconds(20)); // nothing waiting for a first token here
        var b = t.Enter(1000, 700, null);
        time.Advance(TimeSpan.FromMilliseconds(500));
        t.RecordTtft(500, b);

        Assert.Equal(1400 / 1000.0, t.Estimate().PrefillTokensPerMs!.Value, 9);
    }

    [Fact]
    public void Exit_CallEndedWithoutAFirstToken_ItsIntervalIsDropped()
    {
        var time = new FakeTimeProvider(T0);
        var t = new LoadTracker(time);
        var json = t.Enter(1000, 800, null); // a JSON answer: its first token is never seen
        var streamed = t.Enter(1000, 900, null);
        time.Advance(TimeSpan.FromMilliseconds(5000));
        t.Exit(json); // ended after its whole reply: when its prefill ended is unknown

        time.Advance(TimeSpan.FromMilliseconds(400));
        t.RecordTtft(5400, streamed); // 900 tokens since the JSON call ended: below the sample size, nothing learned
        Assert.Null(t.Estimate().PrefillTokensPerMs);
        Assert.Equal(0, t.Estimate().PrefillBacklogTokens);
    }

    [Fact]
    public void RecordTtft_CachedPromptsServedInTheInterval_ServeNoTokensButTakeTheirTime()
    {
        var time = new FakeTimeProvider(T0);
        var t = new LoadTracker(time);
        var key = new PrefixKey(5, 100, 100);
        t.Exit(t.Enter(2000, 1600, key)); // the conversation's first turn, ended without a first token seen

        var miss = t.Enter(2000, 1200, null);
        var hit = t.Enter(2000, 1616, key with { Blocks = 101 }); // all but the last block cached: 16 tokens to prefill
        Assert.Equal(16, hit.PrefillTokens);
        time.Advance(TimeSpan.FromMilliseconds(1000));
        t.RecordTtft(1000, hit); // both prefilled in the same step: the first token of each at its end
        t.RecordTtft(1000, miss);

        Assert.Equal(1216 / 1000.0, t.Estimate().PrefillTokensPerMs!.Value, 9);
    }

    [Fact]
    public void SaturationJudge_TrueRateAndBacklog_SaturatedWhereThePerCallRateLetItPass()
    {
        // The workload benchmark's case: 4,000 tokens queued on a card prefilling ~1.4 tokens/ms is ~2.9 s before a new
        // call's first token, over a 2 s objective; at the per-call rule's 4 tokens/ms it looked like 1 s.
        var objective = new Daalu.Contracts.RouterConfig.TtftObjective { Tier = Daalu.Contracts.TierNames.OwnGpu, P95Ms = 2000, WindowSeconds = 30, MinSamples = 20 };
        var thresholds = new Daalu.Contracts.RouterConfig.SaturationThresholds { TtftObjectives = [objective] };
        LoadEstimate Load(double rate) => new LoadEstimate(T0, 6, 8000, 6, null, null, []) { PrefillBacklogTokens = 4000, PrefillTokensPerMs = rate };
        Daalu.Router.Planning.BackendView View(LoadEstimate l) => new("own-1", Daalu.Router.Planning.CircuitState.Closed, null, null, null, 6, true, l);

        Assert.Null(SaturationJudge.Judge(View(Load(4.0)), thresholds, Daalu.Contracts.TierNames.OwnGpu));
        Assert.StartsWith("prefill backlog", SaturationJudge.Judge(View(Load(1.4)), thresholds, Daalu.Contracts.TierNames.OwnGpu), StringComparison.Ordinal);
    }
}
