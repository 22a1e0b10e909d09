using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;

namespace Daalu.Bench.Workload;

/// <summary>Runs one (workload, policy, rate) and summarises the calls that arrived after the warm-up.</summary>
internal static class Runner
{
    /// <param name="seedOffset">0 for the published runs; others draw other arrivals and prompts (how much a p99 moves by chance).</param>
    public static Result RunOnce(Workload w, Policy p, double rps, TimeSpan duration, SaturationThresholds thresholds, int seedOffset = 0)
    {
        var sim = new Simulation(p, thresholds);
        Traffic.Schedule(sim, w, rps, duration, TimeSpan.FromSeconds(30), seed: 1 + (int)w + (1000 * seedOffset));
        var end = duration + TimeSpan.FromSeconds(60);
        sim.Run(end);
        if (Environment.GetEnvironmentVariable("BENCH_TRACE") is not null)
        {
            Console.Error.WriteLine($"trace {w} {p} {rps:0.00}/s skips: {string.Join(", ", sim.SkipReasons.Select(kv => $"{kv.Key} x{kv.Value}"))}");
            if (sim.LearnedRates.Count > 0)
            {
                // The simulated card prefills ~1.42 tokens/ms (docs/engine-simulator.md); what the trackers learned, at each poll.
                var rates = sim.LearnedRates.Order().ToList();
                Console.Error.WriteLine(FormattableString.Invariant($"  learned prefill rate, tokens/ms over {rates.Count} polls: min {rates[0]:0.00} p10 {rates[rates.Count / 10]:0.00} median {rates[rates.Count / 2]:0.00} p90 {rates[rates.Count * 9 / 10]:0.00} max {rates[^1]:0.00}"));
            }

            if (w == Workload.ChatBurst)
            {
                // Where the spill and the slow answers fall in the 30 s cycle (the burst is its first 5 s).
                var byPhase = sim.Done.Where(c => c.Arrival >= TimeSpan.FromSeconds(30)).GroupBy(c => (int)(c.Arrival.TotalSeconds % 30) / 5).OrderBy(g => g.Key)
                    .Select(g => $"[{g.Key * 5}-{(g.Key * 5) + 5}s) n {g.Count()} spill {g.Count(c => c.Replica!.Tier != TierNames.OwnGpu) / (double)g.Count():P0} p99 {g.Select(c => (c.FirstToken!.Value - c.Arrival).TotalMilliseconds).Order().ElementAt((int)(0.99 * g.Count())):0}");
                Console.Error.WriteLine("  " + string.Join(" | ", byPhase));
            }

            // The slowest 1 % of first tokens: were they sent behind prefills while another replica had fewer?
            var measuredDone = sim.Done.Where(c => c.Arrival >= TimeSpan.FromSeconds(30) && c.Arrival < duration).ToList();
            var tail = measuredDone.OrderByDescending(c => c.FirstToken!.Value - c.Arrival).Take(Math.Max(1, measuredDone.Count / 100)).ToList();
            string Describe(IReadOnlyCollection<Call> cs) => cs.Count == 0 ? "none" :
                $"n {cs.Count}, prefills ahead {cs.Average(c => c.PrefillsAhead):0.00} (fewest on a replica {cs.Average(c => c.FewestPrefillsAhead):0.00}), " +
                $"sent where more prefills waited than elsewhere {cs.Count(c => c.PrefillsAhead > c.FewestPrefillsAhead) / (double)cs.Count:P0}, above the least pick load {cs.Count(c => c.PickExcess > 0) / (double)cs.Count:P0} (mean excess {cs.Average(c => c.PickExcess):0.00})";
            Console.Error.WriteLine($"  slowest 1 %: {Describe(tail)}");
            foreach (var c in tail)
            {
                Console.Error.WriteLine(FormattableString.Invariant($"    ttft {(c.FirstToken!.Value - c.Arrival).TotalMilliseconds:0} ms at {c.Arrival.TotalSeconds:0.0} s, prompt {c.Prompt.Count}, cached {c.CachedTokens}, on {c.Replica!.Name}, prefills ahead {c.PrefillsAhead} (fewest {c.FewestPrefillsAhead}): {c.PickTrace}"));
            }

            Console.Error.WriteLine($"  all calls:   {Describe(measuredDone)}");
        }
        var from = TimeSpan.FromSeconds(30);
        var window = (duration - from).TotalSeconds;
        bool Measured(Call c) => c.Arrival >= from && c.Arrival < duration;
        var finished = sim.Done.Where(Measured).ToList();
        var measuredArrivals = finished.Count + sim.Pending.Count(Measured);
        var ttft = sim.Done.Concat(sim.Pending).Where(Measured)
            .Select(c => ((c.FirstToken ?? end) - c.Arrival).TotalMilliseconds).Order().ToList();
        var own = finished.Where(c => c.Replica!.Tier == TierNames.OwnGpu).Select(c => (c.FirstToken!.Value - c.Arrival).TotalMilliseconds).Order().ToList();
        var hosted = finished.Where(c => c.Replica!.Tier == TierNames.Hosted).ToList();
        var cost = hosted.Sum(c => (c.Prompt.Count * Simulation.HostedInputPerMTok) + (c.Generated * Simulation.HostedOutputPerMTok)) / 1e6;
        return new Result(
            measuredArrivals,
            Pct(ttft, 0.50),
            Pct(ttft, 0.99),
            Pct(own, 0.95),
            finished.Sum(c => (double)c.Generated) / window,
            finished.Count == 0 ? 0 : 1.0 - ((double)hosted.Count / finished.Count),
            finished.Count == 0 ? 0 : (double)hosted.Count / finished.Count,
            finished.Count == 0 ? 0 : cost * 1000 / finished.Count,
            finished.Sum(c => (double)c.Prompt.Count) is var pt and > 0 ? finished.Sum(c => (double)c.CachedTokens) / pt : 0,
            measuredArrivals - finished.Count,
            measuredArrivals == 0 ? 1 : (double)finished.Count / measuredArrivals);
    }

    private static double Pct(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1)];
}
