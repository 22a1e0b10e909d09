namespace Daalu.Runtime.Queue;

/// <summary>The pure backoff arithmetic: capped exponential growth with downward jitter.</summary>
public static class Backoff
{
    /// <summary>
    /// <c>min(baseDelay * 2^failures, maxDelay)</c>, then reduced by up to <paramref name="jitter"/> of itself.
    /// Jitter only subtracts so the cap is a hard ceiling and retries of many keys spread out instead of aligning.
    /// </summary>
    /// <param name="failures">Failures before this one (0 for the first retry).</param>
    /// <param name="baseDelay">The first delay.</param>
    /// <param name="maxDelay">The ceiling.</param>
    /// <param name="jitter">Fraction in [0, 1) of the delay that may be removed.</param>
    /// <param name="random01">A sample in [0, 1) from the injected random source.</param>
    public static TimeSpan Compute(int failures, TimeSpan baseDelay, TimeSpan maxDelay, double jitter, double random01)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(failures);
        if (jitter is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "jitter must be in [0, 1)");
        }

        if (random01 is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(random01), random01, "random sample must be in [0, 1)");
        }

        // 2^failures overflows quickly; once past the cap the exponent no longer matters.
        var raw = failures >= 62
            ? maxDelay.Ticks
            : Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, failures));
        var ticks = raw * (1 - (jitter * random01));
        return TimeSpan.FromTicks((long)Math.Max(0, ticks));
    }
}
