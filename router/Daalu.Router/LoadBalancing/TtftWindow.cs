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
}
