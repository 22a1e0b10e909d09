using Daalu.Bench.Workload;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

/// <summary>
/// The picker on the engine simulator (Daalu.Engine.Simulator's EngineCore: vLLM's continuous batching, chunked prefill
/// and automatic prefix caching, timed from published vLLM measurements), driven in virtual time by the workload
/// benchmark's runner with the router's own LoadTracker, SaturationJudge and WithinTierPicker. 4 own RTX 2000 Ada
/// replicas; own capacity for the agent workload is 1.89 calls/s (hack/bench/results/workload-20261207T143010Z.md).
/// </summary>
public sealed class WorkloadSimulationTests
{
    private const double AgentCapacity = 1.89;
    private const double ChatBurstCapacity = 8.35; // hack/bench/results/workload-20261207T174133Z.md
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan LongDuration = TimeSpan.FromSeconds(240); // the workload benchmark's

    [Fact]
    public void RunOnce_AgentLoopsAt80Percent_PrefixPickerHalvesP99AndKeepsCallsHome()
    {
        // The median over five draws of arrivals: a 120 s run's p99 is its 2nd-slowest call, and on the first draw it
        // fell from at least 2x to 1.5x round-robin's (3,900 against 2,552 ms) with a change that left the median over
        // eight such draws better (docs/benchmarks.md, "Chat bursts at low load").
        var rr = Draws(Workload.Agent, Policy.RoundRobin, 0.8 * AgentCapacity, new SaturationThresholds());
        var lif = Draws(Workload.Agent, Policy.LeastInFlight, 0.8 * AgentCapacity, new SaturationThresholds());
        var picker = Draws(Workload.Agent, Policy.LoadAndPrefix, 0.8 * AgentCapacity, new SaturationThresholds());

        Assert.True(MedianP99(picker) * 2 <= MedianP99(rr), $"median p99 {MedianP99(picker):0} ms vs round-robin {MedianP99(rr):0} ms");
        Assert.True(MedianP99(picker) < MedianP99(lif), $"median p99 {MedianP99(picker):0} ms vs least-in-flight {MedianP99(lif):0} ms");
        Assert.All(picker.Zip(rr), d => Assert.True(d.First.PrefixHit > d.Second.PrefixHit + 0.1, $"prefix hit {d.First.PrefixHit:P1} vs {d.Second.PrefixHit:P1}"));
        Assert.All(picker, d => Assert.Equal(1.0, d.OwnShare));
        Assert.All(picker, d => Assert.Equal(0, d.Unfinished));
    }

    [Fact]
    public void RunOnce_AgentLoopsAt80PercentFiveLongDraws_MedianP99UnderRoundRobinsByMoreThan2Point75()
    {
        // The benchmark's 240 s runs, five draws. Counting calls alone, the picker could not tell a card with a
        // 6,000-token miss waiting from one with a chat waiting, and its fixed affinity slack kept steps at their hash
        // home behind such backlogs: median p99 1,991 ms against round-robin's 4,955 at this rate (2.49x; this test
        // fails on it, BENCH_NO_PREFILL_VIEW=1). Weighing the prefill backlog and the prefix each card holds
        // (PrefixIndex): 1,606 ms (3.09x; docs/benchmarks.md, "Tenth session").
        var t = new SaturationThresholds { TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 2000, WindowSeconds = 30, MinSamples = 20 }] };
        var rr = Draws(Workload.Agent, Policy.RoundRobin, 0.8 * AgentCapacity, new SaturationThresholds(), LongDuration);
        var picker = Draws(Workload.Agent, Policy.LoadAndPrefix, 0.8 * AgentCapacity, t, LongDuration);
        Assert.True(MedianP99(picker) * 2.75 <= MedianP99(rr), $"median p99 {MedianP99(picker):0} ms vs round-robin {MedianP99(rr):0} ms");
        Assert.All(picker, d => Assert.Equal(1.0, d.OwnShare));
        Assert.All(picker, d => Assert.Equal(0, d.Unfinished));
    }

    [Fact]
    public void RunOnce_LowLoadWithTtftObjective_NoSpill()
    {
        var t = new SaturationThresholds { TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 2000 }] };
        var r = Runner.RunOnce(Workload.Agent, Policy.LoadAndPrefix, 0.4 * AgentCapacity, Duration, t);
        Assert.True(r.Calls > 50);
        Assert.Equal(0, r.Spilled);
        Assert.True(r.OwnP95 <= 2000, $"own p95 {r.OwnP95:0} ms");
    }

    [Fact]
    public void RunOnce_OverloadWithTtftObjective_SpillsToHostedAndServesMore()
    {
        var t = new SaturationThresholds { TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 2000 }] };
        // 2x what round-robin sustains: at 1.2x the picker's prefix hits (80 % against 58 %) leave the own cards
        // within the objective, and it rightly does not spill; with the prefill backlog in its cost it also held them
        // within it at 1.6x over this 120 s run (own p95 under 2 s), so it spilled nothing there either.
        var rr = Runner.RunOnce(Workload.Agent, Policy.RoundRobin, 2.0 * AgentCapacity, Duration, new SaturationThresholds());
        var r = Runner.RunOnce(Workload.Agent, Policy.LoadAndPrefix, 2.0 * AgentCapacity, Duration, t);
        Assert.True(r.Spilled > 0);
        Assert.True(r.CostPerKiloCall > 0);
        Assert.True(r.TokensPerSecond > rr.TokensPerSecond, $"{r.TokensPerSecond:0} vs {rr.TokensPerSecond:0} tokens/s");
    }

    [Fact]
    public void RunOnce_ChatBurstsAt60PercentWithTtftObjective_StayOnOwnGpuAndQueueNoWorseThanRoundRobinByMuch()
    {
        // 5 s at 3x the mean rate every 30 s. Before the burst fixes (docs/benchmarks.md, "Chat bursts") the objective's
        // lagging p95 sent 43 % of these calls to the pool and the p99 was 1.4x round-robin's.
        var t = new SaturationThresholds { TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 2000, WindowSeconds = 30, MinSamples = 20 }] };
        var rr = Runner.RunOnce(Workload.ChatBurst, Policy.RoundRobin, 0.6 * ChatBurstCapacity, Duration, new SaturationThresholds());
        var r = Runner.RunOnce(Workload.ChatBurst, Policy.LoadAndPrefix, 0.6 * ChatBurstCapacity, Duration, t);
        Assert.True(r.OwnShare >= 0.95, $"on own GPU {r.OwnShare:P1}");
        Assert.True(r.P99 <= 1.25 * rr.P99, $"p99 {r.P99:0} ms vs round-robin {rr.P99:0} ms");
        Assert.Equal(0, r.Unfinished);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.4)]
    public void RunOnce_ChatBurstsAtLowLoad_MedianP99WithinATenthOfRoundRobin(double load)
    {
        // Single-turn chats at 20-40 % of capacity: nothing to gain from a hash home, so the picker must spread a burst
        // at least as well as round-robin. With the later-turn affinity slack for first turns too it did not: the
        // median p99 over these five draws was 773 against 472 ms at 20 % (1.64x) and 1,099 against 759 at 40 %
        // (1.45x); the benchmark's draws now give 1.01x at both (docs/benchmarks.md, "Chat bursts at low load").
        // 240 s runs: in one 120 s run the old code's tail hid at 20 % (494 against 484 ms).
        var t = new SaturationThresholds { TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 2000, WindowSeconds = 30, MinSamples = 20 }] };
        var rr = Draws(Workload.ChatBurst, Policy.RoundRobin, load * ChatBurstCapacity, new SaturationThresholds(), LongDuration);
        var picker = Draws(Workload.ChatBurst, Policy.LoadAndPrefix, load * ChatBurstCapacity, t, LongDuration);
        Assert.True(MedianP99(picker) <= 1.1 * MedianP99(rr), $"median p99 {MedianP99(picker):0} ms vs round-robin {MedianP99(rr):0} ms");
        Assert.All(picker, d => Assert.Equal(1.0, d.OwnShare));
        Assert.All(picker, d => Assert.Equal(0, d.Unfinished));
    }

    private static Result[] Draws(Workload w, Policy p, double rps, SaturationThresholds t, TimeSpan? duration = null) =>
        [.. Enumerable.Range(0, 5).Select(seed => Runner.RunOnce(w, p, rps, duration ?? Duration, t, seed))];

    private static double MedianP99(Result[] draws) => draws.Select(d => d.P99).Order().ElementAt(draws.Length / 2);
}
