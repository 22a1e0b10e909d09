namespace Daalu.Router.LoadBalancing;

/// <summary>Percentiles of recent times to first token (pure).</summary>
public static class TtftWindow
{
    /// <summary>The p95 of the samples within <paramref name="window"/> before <paramref name="now"/>; null with fewer than <paramref name="minSamples"/>.</summary>
    public static double? P95(IReadOnlyList<TtftSample> samples, DateTimeOffset now, TimeSpan window, int minSamples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var since = now - window;
        var recent = new List<double>(samples.Count);
        foreach (var s in samples)
        {
            if (s.At > since)
            {
                recent.Add(s.Ms);
            }
        }

        if (recent.Count < Math.Max(1, minSamples))
        {
            return null;
        }

        recent.Sort();
        // Nearest rank: the smallest value with at least 95 % of the samples at or below it.
        return recent[(int)Math.Ceiling(0.95 * recent.Count) - 1];
    }

    /// <summary>Answers whose median says whether a tier is still slow now (see <see cref="NewestMedian"/>).</summary>
    public const int NewestCount = 5;

    /// <summary>
    /// The median of the <paramref name="count"/> newest samples (by arrival of their first token), null with fewer.
    /// A p95 over a window lags: after a burst it holds the burst's slow answers for the whole window, while the
    /// queue that made them is already gone (seen on the workload benchmark's chat bursts: 5 s of 3x traffic kept a
    /// 30 s window breached for the whole cycle and half of the quiet traffic went to the paid pool). The newest
    /// answers say whether calls still queue; the median of a few keeps one late straggler from deciding.
    /// </summary>
    public static double? NewestMedian(IReadOnlyList<TtftSample> samples, int count)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (count < 1 || samples.Count < count)
        {
            return null;
        }

        var newest = samples.OrderByDescending(s => s.At).Take(count).Select(s => s.Ms).Order().ToList();
        return newest[(count - 1) / 2];
    }
}
