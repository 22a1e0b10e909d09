using Daalu.Api.V1Alpha1;
using Daalu.Router.Planning;

namespace Daalu.Router.LoadBalancing;

/// <summary>Whether a backend counts as saturated, judged on the router's real-time view (pure).</summary>
public static class SaturationJudge
{
    /// <summary>Why <paramref name="view"/> is saturated for <paramref name="tier"/>, or null when it is not.</summary>
    public static string? Judge(BackendView view, SaturationThresholds thresholds, string tier)
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

        if (load is not null)
        {
            foreach (var o in thresholds.TtftObjectives)
            {
                if (o.Tier == tier && TtftWindow.P95(load.Ttft, load.Now, TimeSpan.FromSeconds(o.WindowSeconds), o.MinSamples) is { } p95 && p95 > o.P95Ms)
                {
                    return FormattableString.Invariant($"ttft p95 {p95:0} ms > {o.P95Ms} ms over {o.WindowSeconds} s");
                }
            }
        }

        return null;
    }
}
