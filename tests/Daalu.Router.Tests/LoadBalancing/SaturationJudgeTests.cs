using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.LoadBalancing;
using Daalu.Router.Planning;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

public sealed class SaturationJudgeTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static BackendView View(LoadEstimate? load, double? polledKv = null, double? polledWaiting = null) =>
        new("own-a", CircuitState.Closed, null, polledKv, polledWaiting, load?.InFlight ?? 0, true, load);

    private static LoadEstimate Load(double requests = 0, double? waiting = null, double? kv = null, IReadOnlyList<TtftSample>? ttft = null) =>
        new(Now, (int)requests, 0, requests, waiting, kv, ttft ?? []);

    [Fact]
    public void Judge_EstimatedKvAtThreshold_SaturatedEvenWhenPollSaidLess()
    {
        var why = SaturationJudge.Judge(View(Load(kv: 0.92), polledKv: 0.30), new SaturationThresholds(), TierNames.OwnGpu);
        Assert.Equal("kv_cache_usage ~0.92 >= 90%", why);
    }

    [Fact]
    public void Judge_NoLoadView_PolledGaugesAsBefore()
    {
        Assert.NotNull(SaturationJudge.Judge(View(null, polledKv: 0.95), new SaturationThresholds(), TierNames.OwnGpu));
        Assert.NotNull(SaturationJudge.Judge(View(null, polledWaiting: 8), new SaturationThresholds(), TierNames.OwnGpu));
        Assert.Null(SaturationJudge.Judge(View(null, polledKv: 0.5, polledWaiting: 7), new SaturationThresholds(), TierNames.OwnGpu));
    }

    [Fact]
    public void Judge_EstimatedWaiting_Saturated()
    {
        Assert.Equal("num_requests_waiting ~9 >= 8", SaturationJudge.Judge(View(Load(waiting: 9)), new SaturationThresholds(), TierNames.OwnGpu));
    }

    [Fact]
    public void Judge_MaxRequestsPerBackend_OnlyWhenSet()
    {
        var view = View(Load(requests: 24));
        Assert.Null(SaturationJudge.Judge(view, new SaturationThresholds(), TierNames.OwnGpu));
        Assert.Equal("requests ~24 >= 24", SaturationJudge.Judge(view, new SaturationThresholds { MaxRequestsPerBackend = 24 }, TierNames.OwnGpu));
    }

    [Fact]
    public void Judge_TierTtftObjectiveMissed_BusyBackendsSaturatedIdleOnesNot()
    {
        var slow = Enumerable.Range(0, 30).Select(i => new TtftSample(Now.AddSeconds(-i), i >= 27 ? 400 : 900)).ToList();
        var t = new SaturationThresholds { TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 500 }] };
        var p95 = SaturationJudge.TierTtftP95([Load(ttft: slow[..15]), Load(ttft: slow[15..]), null], t, TierNames.OwnGpu);
        Assert.Equal(900, p95);
        Assert.Equal("OwnGpu ttft p95 900 ms > 500 ms over 30 s", SaturationJudge.Judge(View(Load(requests: 3)), t, TierNames.OwnGpu, p95));
        Assert.Null(SaturationJudge.Judge(View(Load(requests: 0)), t, TierNames.OwnGpu, p95));
        Assert.Null(SaturationJudge.TierTtftP95([Load(ttft: slow)], t, TierNames.Hosted));
    }

    [Fact]
    public void TierTtftP95_WindowEmptied_NotJudged()
    {
        // Escalated calls leave no new samples; once the window has passed, the tier is judged unknown and tried again.
        var old = Enumerable.Range(0, 30).Select(_ => new TtftSample(Now.AddSeconds(-40), 900)).ToList();
        var t = new SaturationThresholds { TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 500 }] };
        Assert.Null(SaturationJudge.TierTtftP95([Load(ttft: old)], t, TierNames.OwnGpu));
    }

    [Fact]
    public void TierTtftP95_BurstDrainedNewestAnswersFast_NotJudged()
    {
        // A burst's slow answers still fill the window, but the newest answers (spread over two backends) are fast again:
        // the queue has drained, so quiet traffic stays on the tier instead of going to the next one for the window's rest.
        var burst = Enumerable.Range(0, 30).Select(i => new TtftSample(Now.AddSeconds(-20 + (i * 0.1)), 3000)).ToList();
        var fastA = Enumerable.Range(0, 3).Select(i => new TtftSample(Now.AddSeconds(-i), 300)).ToList();
        var fastB = Enumerable.Range(0, 3).Select(i => new TtftSample(Now.AddSeconds(-i - 0.5), 350)).ToList();
        var t = new SaturationThresholds { TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 2000 }] };
        Assert.Null(SaturationJudge.TierTtftP95([Load(ttft: [.. burst, .. fastA]), Load(ttft: fastB)], t, TierNames.OwnGpu));
    }

    [Fact]
    public void TierTtftP95_NewestAnswersStillSlow_Judged()
    {
        var burst = Enumerable.Range(0, 30).Select(i => new TtftSample(Now.AddSeconds(-20 + (i * 0.1)), 3000)).ToList();
        var mixed = new List<TtftSample> { new(Now, 300), new(Now.AddSeconds(-1), 2500), new(Now.AddSeconds(-2), 2600), new(Now.AddSeconds(-3), 250) };
        var t = new SaturationThresholds { TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 2000 }] };
        Assert.Equal(3000, SaturationJudge.TierTtftP95([Load(ttft: burst), Load(ttft: mixed)], t, TierNames.OwnGpu));
    }

    [Fact]
    public void TierTtftP95_NoAnswerForLongerThanObjective_NotJudged()
    {
        // Escalated, the tier got no new calls; the calls queued before have all answered (the newest 3 s ago, slow):
        // no evidence that a call sent now would queue, so the tier is tried again instead of waiting out the window.
        var slow = Enumerable.Range(0, 30).Select(i => new TtftSample(Now.AddSeconds(-3 - (i * 0.2)), 3000)).ToList();
        var t = new SaturationThresholds { TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 2000 }] };
        Assert.Null(SaturationJudge.TierTtftP95([Load(ttft: slow)], t, TierNames.OwnGpu));
        var fresher = slow.ConvertAll(s => s with { At = s.At.AddSeconds(1.5) }); // newest 1.5 s ago: within 2,000 ms
        Assert.Equal(3000, SaturationJudge.TierTtftP95([Load(ttft: fresher)], t, TierNames.OwnGpu));
    }

    [Fact]
    public void Judge_PrefillBacklogLongerThanTheObjectiveAtTheLearnedRate_SaturatedBeforeAnyAnswerIsSlow()
    {
        // 6,000 tokens queued at 1.4 tokens/ms (an RTX 2000 Ada prefilling a 7B model) is ~4.3 s before a new call's
        // first token: past a 2 s objective although no answer has come back slow yet.
        var t = new SaturationThresholds { TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 2000 }] };
        var load = Load(requests: 5) with { PrefillBacklogTokens = 6000, PrefillTokensPerMs = 1.4 };
        Assert.Equal("prefill backlog ~4286 ms > 2000 ms", SaturationJudge.Judge(View(load), t, TierNames.OwnGpu));

        Assert.Null(SaturationJudge.Judge(View(load with { PrefillBacklogTokens = 2500 }), t, TierNames.OwnGpu)); // ~1.8 s
        Assert.Null(SaturationJudge.Judge(View(load with { PrefillTokensPerMs = null }), t, TierNames.OwnGpu)); // rate not learned
        Assert.Null(SaturationJudge.Judge(View(load), new SaturationThresholds(), TierNames.OwnGpu)); // no objective
        Assert.Null(SaturationJudge.Judge(View(load), t, TierNames.Hosted)); // the objective is the own tier's
    }
}
