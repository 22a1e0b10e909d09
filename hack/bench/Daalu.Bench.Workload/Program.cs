using System.Diagnostics;
using System.Globalization;
using System.Text;
using Daalu.Bench.Workload;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;

// The workload benchmark: for each workload, own capacity is found first (the highest rate round-robin over the 4 own
// replicas still serves: 98 % of the window's calls finished within 60 s of its end and their p99 TTFT within 5 s,
// by bisection), then every policy
// runs the same arrivals at 20 %..120 % of it. Virtual time: a run of 240 s simulated takes seconds.
var quick = args.Contains("--quick");
var outPath = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
var duration = TimeSpan.FromSeconds(quick ? 120 : 240);
var warmup = TimeSpan.FromSeconds(30);
int[] loads = args.SkipWhile(a => a != "--loads").Skip(1).FirstOrDefault() is { } l
    ? [.. l.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture))]
    : quick ? [40, 80, 120] : [20, 40, 60, 80, 100, 120];
// --seed N (default 0) draws other arrivals and prompts for the same rates: how much a p99 moves by chance.
var seedOffset = int.Parse(args.SkipWhile(a => a != "--seed").Skip(1).FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
var objective = new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 2000, WindowSeconds = 30, MinSamples = 20 };
var today = new SaturationThresholds();
var tuned = new SaturationThresholds { TtftObjectives = Environment.GetEnvironmentVariable("BENCH_NO_OBJECTIVE") is null ? [objective] : [] };
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
var sw = Stopwatch.StartNew();
var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"# Workload benchmark {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Seed offset {seedOffset}. Virtual time, {duration.TotalSeconds:0} s per run (first {warmup.TotalSeconds:0} s not measured). Own GPU: 4 x RTX 2000 Ada, Qwen2.5-7B-Instruct-AWQ; hosted pool: 2 x RTX 6000 Ada, Qwen2.5-7B-Instruct, ${Simulation.HostedInputPerMTok}/${Simulation.HostedOutputPerMTok} per M tokens. LoadAndPrefix: TTFT objective OwnGpu p95 {objective.P95Ms} ms over {objective.WindowSeconds} s; both router policies: kvCacheUsagePercent {today.KvCacheUsagePercent}, maxRequestsWaiting {today.MaxRequestsWaiting}.");
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
            var r = Runner.RunOnce(w, p, capacity * load / 100.0, duration, p == Policy.LoadAndPrefix ? tuned : today, seedOffset);
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
        var r = Runner.RunOnce(w, Policy.RoundRobin, mid, TimeSpan.FromSeconds(150), today);
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

internal sealed record Result(int Calls, double P50, double P99, double OwnP95, double TokensPerSecond, double OwnShare, double Spilled, double CostPerKiloCall, double PrefixHit, int Unfinished, double FinishedShare);
