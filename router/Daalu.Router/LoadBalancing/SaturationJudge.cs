using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Planning;

namespace Daalu.Router.LoadBalancing;

/// <summary>Whether a backend counts as saturated, judged on the router's real-time view (pure).</summary>
public static class SaturationJudge
{

    /// <summary>
    /// The p95 TTFT of a tier over its objective's window, pooled over the tier's backends; null without an objective
    /// for the tier, with too few answers, or when the tier's newest answers (<see cref="TtftWindow.NewestMedian"/>) are
    /// back within the objective, or when no answer has come for longer than the objective: the window's p95 then still holds a burst whose queue has drained, and judging on it
    /// would send quiet traffic to the next tier for the rest of the window. Judged per tier, not per backend: per backend, the backends escalated
    /// first get no new answers while the ones not yet judged take every call and overload (seen on the workload benchmark).
    /// </summary>
    public static double? TierTtftP95(IEnumerable<LoadEstimate?> tierLoads, SaturationThresholds thresholds, string tier)
    {
        ArgumentNullException.ThrowIfNull(tierLoads);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (thresholds.TtftObjectives.FirstOrDefault(o => o.Tier == tier) is not { } objective)
        {
            return null;
        }

        var now = DateTimeOffset.MinValue;
        var samples = new List<TtftSample>();
        foreach (var l in tierLoads)
        {
            if (l is not null)
            {
                samples.AddRange(l.Ttft);
                now = l.Now > now ? l.Now : now;
            }
        }

        if (samples.Count == 0 || TtftWindow.P95(samples, now, TimeSpan.FromSeconds(objective.WindowSeconds), objective.MinSamples) is not { } p95)
        {
            return null;
        }

        if (p95 <= objective.P95Ms)
        {
            return p95;
        }

        // Breached. Recovered when the newest answers are fast again, or when no answer has come for longer than the
        // objective: an escalated tier gets no new calls while busy, so once the calls queued before the escalation
        // have had their first tokens no sample comes at all, and waiting for fast ones would hold the tier escalated
        // until the window empties (the benchmark's trace: 100 % of the quiet traffic 10-20 s after a burst spilled).
        // The next calls then probe the tier; if they are slow, their answers breach it again.
        var newestAt = samples.Max(s => s.At);
        var stale = now - newestAt > TimeSpan.FromMilliseconds(objective.P95Ms);
        return stale || TtftWindow.NewestMedian(samples, TtftWindow.NewestCount) <= objective.P95Ms ? null : p95;
    }

    /// <summary>
    /// Why <paramref name="view"/> is saturated for <paramref name="tier"/>, or null when it is not: estimated KV use or
    /// queue at their thresholds, requests at maxRequestsPerBackend, the prefill backlog longer than the tier's TTFT
    /// objective at the card's learned prefill rate, or the tier's observed p95 TTFT over its objective.
    /// <paramref name="tierTtftP95"/> is the tier's observed p95 TTFT (<see cref="TierTtftP95"/>), null when not judged.
    /// </summary>
    public static string? Judge(BackendView view, SaturationThresholds thresholds, string tier, double? tierTtftP95 = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(thresholds);
        var load = view.Load;
        var kv = load?.EstimatedKvCacheUsage ?? view.KvCacheUsage;
        if (kv is { } k && k * 100 >= thresholds.KvCacheUsagePercent)
        {
            return FormattableString.Invariant($"kv_cache_usage {(load?.EstimatedKvCacheUsage is null ? "" : "~")}{k:0.###} >= {thresholds.KvCacheUsagePercent}%");
        }

        var waiting = load?.EstimatedWaiting ?? view.RequestsWaiting;
        if (waiting is { } w && thresholds.MaxRequestsWaiting > 0 && w >= thresholds.MaxRequestsWaiting)
        {
            return FormattableString.Invariant($"num_requests_waiting {(load?.EstimatedWaiting is null ? "" : "~")}{w:0} >= {thresholds.MaxRequestsWaiting}");
        }

        if (load is not null && thresholds.MaxRequestsPerBackend > 0 && load.EstimatedRequests >= thresholds.MaxRequestsPerBackend)
        {
            return FormattableString.Invariant($"requests ~{load.EstimatedRequests:0} >= {thresholds.MaxRequestsPerBackend}");
        }

        // A new call's first token waits at least for the prompts queued ahead of it: when their prefill alone (at the
        // card's learned rate) passes the tier's TTFT objective, the card is saturated now, before any answer shows it.
        // The observed p95 below lags a burst by the 20 answers it needs; this does not (docs/benchmarks.md, "Tenth
        // session": chat bursts at 120 % load, median p99 5,645 -> 2,731 ms with about as much spilled).
        if (load is { PrefillTokensPerMs: { } rate } && rate > 0 && load.PrefillBacklogTokens > 0
            && thresholds.TtftObjectives.FirstOrDefault(o => o.Tier == tier) is { } obj && load.PrefillBacklogTokens / rate > obj.P95Ms)
        {
            return FormattableString.Invariant($"prefill backlog ~{load.PrefillBacklogTokens / rate:0} ms > {obj.P95Ms} ms");
        }

        if (load is not null && tierTtftP95 is { } p95 && load.EstimatedRequests >= 1
            && thresholds.TtftObjectives.FirstOrDefault(o => o.Tier == tier) is { } objective && p95 > objective.P95Ms)
        {
            // An idle backend still takes calls: it answers at its prefill time, and its answers tell when to come back.
            return FormattableString.Invariant($"{tier} ttft p95 {p95:0} ms > {objective.P95Ms} ms over {objective.WindowSeconds} s");
        }

        return null;
    }
}
