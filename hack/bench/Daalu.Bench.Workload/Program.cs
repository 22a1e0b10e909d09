using System.Diagnostics;
using System.Globalization;
using System.Text;
using Daalu.Api.V1Alpha1;
using Daalu.Bench.Workload;

// The workload benchmark: for each workload, own capacity is found first (the highest rate round-robin over the 4 own
// replicas still serves: 98 % of the window's calls finished within 60 s of its end and their p99 TTFT within 5 s,
// by bisection), then every policy
// runs the same arrivals at 20 %..120 % of it. Virtual time: a run of 240 s simulated takes seconds.
var quick = args.Contains("--quick");
var outPath = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
var duration = TimeSpan.FromSeconds(quick ? 120 : 240);
var warmup = TimeSpan.FromSeconds(30);
int[] loads = quick ? [40, 80, 120] : [20, 40, 60, 80, 100, 120];
var objective = new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 2000, WindowSeconds = 30, MinSamples = 20 };
var today = new SaturationThresholds();
var tuned = new SaturationThresholds { TtftObjectives = Environment.GetEnvironmentVariable("BENCH_NO_OBJECTIVE") is null ? [objective] : [] };
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
var sw = Stopwatch.StartNew();
var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"# Workload benchmark {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Virtual time, {duration.TotalSeconds:0} s per run (first {warmup.TotalSeconds:0} s not measured). Own GPU: 4 x RTX 2000 Ada, Qwen2.5-7B-Instruct-AWQ; hosted pool: 2 x RTX 6000 Ada, Qwen2.5-7B-Instruct, ${Simulation.HostedInputPerMTok}/${Simulation.HostedOutputPerMTok} per M tokens. LoadAndPrefix: TTFT objective OwnGpu p95 {objective.P95Ms} ms over {objective.WindowSeconds} s; both router policies: kvCacheUsagePercent {today.KvCacheUsagePercent}, maxRequestsWaiting {today.MaxRequestsWaiting}.");
md.AppendLine();
foreach (var w in Enum.GetValues<Workload>().Where(w => only is null || w.ToString() == only))
{
    var capacity = FindCapacity(w);
    md.AppendLine(CultureInfo.InvariantCulture, $"## {w}: own capacity {capacity:0.00} calls/s");
    md.AppendLine();
    md.AppendLine("| load | policy | calls | TTFT p50 ms | TTFT p99 ms | own p95 ms | tokens/s | on own GPU | spilled | spill cost $/1k calls | prefix hit | unfinished |");
    md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var load in loads)
    {
        foreach (var p in Enum.GetValues<Policy>())
        {
            var r = RunOnce(w, p, capacity * load / 100.0, duration, p == Policy.LoadAndPrefix ? tuned : today);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {load}% | {p} | {r.Calls} | {r.P50:0} | {r.P99:0} | {r.OwnP95:0} | {r.TokensPerSecond:0} | {r.OwnShare:P1} | {r.Spilled:P1} | {r.CostPerKiloCall:0.0000} | {r.PrefixHit:P1} | {r.Unfinished} |");
            Console.Error.WriteLine($"{w} {load}% {p}: p50 {r.P50:0} p99 {r.P99:0} own {r.OwnShare:P1} hit {r.PrefixHit:P1} ({sw.Elapsed.TotalSeconds:0} s)");
        }
    }

    md.AppendLine();
}

md.AppendLine(CultureInfo.InvariantCulture, $"Wall time {sw.Elapsed.TotalSeconds:0} s.");
Console.Write(md.ToString());
if (outPath is not null)
{
    File.WriteAllText(outPath, md.ToString());
}

double FindCapacity(Workload w)
{
    double lo = 0.05, hi = 40;
    for (var i = 0; i < 12; i++)
    {
        var mid = Math.Sqrt(lo * hi);
        var r = RunOnce(w, Policy.RoundRobin, mid, TimeSpan.FromSeconds(150), today);
        if (r.FinishedShare >= 0.98 && r.P99 <= 5000)
        {
            lo = mid;
        }
        else
        {
            hi = mid;
        }
    }

    return lo;
}

static Result RunOnce(Workload w, Policy p, double rps, TimeSpan duration, SaturationThresholds thresholds)
{
    var sim = new Simulation(p, thresholds);
    Traffic.Schedule(sim, w, rps, duration, TimeSpan.FromSeconds(30), seed: 1 + (int)w);
    var end = duration + TimeSpan.FromSeconds(60);
    sim.Run(end);
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

static double Pct(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1)];

internal sealed record Result(int Calls, double P50, double P99, double OwnP95, double TokensPerSecond, double OwnShare, double Spilled, double CostPerKiloCall, double PrefixHit, int Unfinished, double FinishedShare);
