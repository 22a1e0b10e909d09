using Daalu.Engine.Simulator.Engine;
using Daalu.Engine.Simulator.Text;
using Daalu.Engine.Simulator.Timing;
using Xunit;

namespace Daalu.Engine.Simulator.Tests;

/// <summary>
/// The timing model on a virtual clock (no waiting): the behaviours VLLM.md's "Timing, for a simulator" and vLLM's
/// scheduler docs describe, and the anchor measurement the profiles are derived from.
/// </summary>
public sealed class EngineCoreTests
{
    private static EngineProfile Rtx2000 => EngineProfiles.Create(GpuClass.Rtx2000Ada, ModelSpec.Qwen7BAwq);

    private static List<int> Prompt(int tokens, int salt = 0) => Enumerable.Range(0, tokens).Select(i => (salt * 1_000_003) + i).ToList();

    /// <summary>Steps from <paramref name="start"/> until every given sequence finished; returns the end time.</summary>
    private static TimeSpan RunUntilDone(EngineCore core, TimeSpan start, int maxSteps = 1_000_000)
    {
        var now = start;
        for (var i = 0; i < maxSteps && core.HasWork; i++)
        {
            now += core.Step(now).Duration;
        }

        Assert.False(core.HasWork);
        return now;
    }

    private static TimeSpan Ttft(SimSequence s) => s.FirstToken!.Value - s.Arrival;

    [Fact]
    public void Profile_RtxA6000Qwen7B_MatchesThePublishedTimePerOutputToken()
    {
        // Anchor: vLLM v0.23 on an RTX A6000, Qwen2.5-7B BF16: median TPOT 21.9 / 27.5 / 36.0 / 53.1 ms at concurrency
        // 1 / 64 / 128 / 256. The model's straight line stays within 10 % of each.
        var p = EngineProfiles.Create(GpuClass.RtxA6000, ModelSpec.Qwen7B);
        foreach (var (batch, ms) in new[] { (1, 21.9), (64, 27.5), (128, 36.0), (256, 53.1) })
        {
            Assert.InRange(p.StepTime(batch, 0).TotalMilliseconds, ms * 0.9, ms * 1.1);
        }
    }

    [Fact]
    public void Profile_Rtx6000AdaIsFasterThanRtx2000AdaByBandwidthAndCompute()
    {
        var small = EngineProfiles.Create(GpuClass.Rtx2000Ada, ModelSpec.Qwen7BAwq);
        var big = EngineProfiles.Create(GpuClass.Rtx6000Ada, ModelSpec.Qwen7BAwq);
        Assert.True(big.DecodeBaseMs < small.DecodeBaseMs / 4); // 960 vs 224 GB/s
        Assert.True(big.PrefillTokensPerSecond > small.PrefillTokensPerSecond * 7); // 364 vs 48 TFLOPS
        Assert.True(big.KvBlocks > small.KvBlocks * 3); // 48 vs 16 GB
    }

    [Fact]
    public void Step_LongerPrompt_LongerTimeToFirstToken()
    {
        var ttfts = new List<TimeSpan>();
        foreach (var len in new[] { 100, 1_000, 4_000 })
        {
            var core = new EngineCore(Rtx2000);
            var seq = core.Submit(Prompt(len), 8, 8, TimeSpan.Zero);
            RunUntilDone(core, TimeSpan.Zero);
            ttfts.Add(Ttft(seq));
        }

        Assert.True(ttfts[0] < ttfts[1] && ttfts[1] < ttfts[2], string.Join(", ", ttfts));
        // 1,000 tokens at ~1,400 tok/s of prefill is about 0.7 s on an RTX 2000 Ada.
        Assert.InRange(ttfts[1].TotalSeconds, 0.6, 0.9);
    }

    [Fact]
    public void Step_RequestsQueuedBehindMaxNumSeqs_WaitAndGetLaterFirstTokens()
    {
        var core = new EngineCore(Rtx2000 with { MaxNumSeqs = 2 });
        var seqs = Enumerable.Range(0, 6).Select(i => core.Submit(Prompt(64, i), 40, 40, TimeSpan.Zero)).ToList();
        var first = core.Step(TimeSpan.Zero);
        Assert.Equal(2, core.Running);
        Assert.Equal(4, core.Waiting);
        RunUntilDone(core, first.Duration);
        var ttft = seqs.Select(Ttft).ToList();
        Assert.True(ttft[2] > ttft[1] && ttft[4] > ttft[3], string.Join(", ", ttft));
        Assert.True(core.Stats.QueueTime.Sum > 0);
    }

    [Fact]
    public void Step_LargerBatch_ThroughputGrowsThenSaturates()
    {
        double Throughput(int batch)
        {
            var core = new EngineCore(Rtx2000);
            for (var i = 0; i < batch; i++)
            {
                core.Submit(Prompt(32, i), 200, 200, TimeSpan.Zero);
            }

            var end = RunUntilDone(core, TimeSpan.Zero);
            return core.Stats.GenerationTokens / end.TotalSeconds;
        }

        var t1 = Throughput(1);
        var t8 = Throughput(8);
        var t128 = Throughput(128);
        var t256 = Throughput(256);
        Assert.True(t8 > 5 * t1, $"{t1} -> {t8}");
        Assert.True(t256 < 1.5 * t128, $"{t128} -> {t256}");
        // The ceiling is 1 / per-sequence cost: about 2,400 tok/s for a 7B AWQ model on 224 GB/s.
        Assert.True(t256 < 1000 / Rtx2000.DecodePerSequenceMs);
    }

    [Fact]
    public void Step_SharedPrefixInCache_ShortensTimeToFirstTokenAndCountsHits()
    {
        var shared = Prompt(2_000, 7);
        var core = new EngineCore(Rtx2000);
        var cold = core.Submit(shared.Append(1).ToList(), 4, 4, TimeSpan.Zero);
        var t = RunUntilDone(core, TimeSpan.Zero);
        var warm = core.Submit(shared.Append(2).ToList(), 4, 4, t);
        RunUntilDone(core, t);

        Assert.True(Ttft(warm) < Ttft(cold) / 5, $"{Ttft(cold)} vs {Ttft(warm)}");
        Assert.Equal(2_000, warm.CachedPromptTokens); // 125 full blocks of 16
        Assert.Equal(2_000, core.Stats.PrefixCacheHits);
        Assert.Equal(2 * 2_001, core.Stats.PrefixCacheQueries);
    }

    [Fact]
    public void Step_DifferentFirstBlock_NoPrefixHit()
    {
        var core = new EngineCore(Rtx2000);
        var a = Prompt(320, 1);
        var b = a.ToList();
        b[0] = -1; // the chain differs from block 0, so no later block matches either
        core.Submit(a, 2, 2, TimeSpan.Zero);
        var t = RunUntilDone(core, TimeSpan.Zero);
        var second = core.Submit(b, 2, 2, t);
        RunUntilDone(core, t);
        Assert.Equal(0, second.CachedPromptTokens);
    }

    [Fact]
    public void Step_KvCacheFull_PreemptsTheNewestAndRecomputesIt()
    {
        // 40 blocks = 640 tokens; four sequences of 100 + 150 tokens need 64 blocks together.
        var core = new EngineCore(Rtx2000 with { KvBlocks = 40 });
        var seqs = Enumerable.Range(0, 4).Select(i => core.Submit(Prompt(100, i), 150, 150, TimeSpan.Zero)).ToList();
        RunUntilDone(core, TimeSpan.Zero);

        Assert.True(core.Stats.Preemptions > 0);
        Assert.Equal(0, seqs[0].Preemptions); // the oldest is never the victim
        Assert.True(seqs[3].Preemptions > 0);
        Assert.All(seqs, s => Assert.Equal(150, s.Generated));
        Assert.Equal(0.0, core.KvCacheUsage);
    }

    [Fact]
    public void Submit_LongerThanTheKvCache_Refused()
    {
        var core = new EngineCore(Rtx2000 with { KvBlocks = 4 });
        Assert.Throws<ArgumentOutOfRangeException>(() => core.Submit(Prompt(60), 10, 10, TimeSpan.Zero));
    }

    [Fact]
    public void Step_MaxTokensBelowNaturalLength_FinishesWithLength()
    {
        var core = new EngineCore(Rtx2000);
        var cut = core.Submit(Prompt(10, 1), 5, 30, TimeSpan.Zero);
        var natural = core.Submit(Prompt(10, 2), 50, 30, TimeSpan.Zero);
        RunUntilDone(core, TimeSpan.Zero);
        Assert.Equal(("length", 5), (cut.FinishReason, cut.Generated));
        Assert.Equal(("stop", 30), (natural.FinishReason, natural.Generated));
        Assert.Equal(1, core.Stats.Success["length"]);
        Assert.Equal(1, core.Stats.Success["stop"]);
    }

    [Fact]
    public void Tokenizer_SharedTextPrefix_SharedTokenPrefix()
    {
        var a = SimTokenizer.Encode(SimTokenizer.ChatTemplate([("system", new string('s', 400)), ("user", "one")]));
        var b = SimTokenizer.Encode(SimTokenizer.ChatTemplate([("system", new string('s', 400)), ("user", "two")]));
        Assert.Equal(a.Take(100), b.Take(100));
        Assert.NotEqual(a, b);
    }
}
