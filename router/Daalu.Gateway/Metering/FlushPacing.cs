namespace Daalu.Gateway.Metering;

/// <summary>
/// When the outbox flusher starts its next ledger transaction, as a pure function of how long ago the first record
/// of this round was signalled and how many records wait in the outbox. Light load: one
/// <see cref="GatewayOptions.FlushBatchWindow"/> after the first record, as before. Under load (the window already
/// collected enough records that, at the rate seen so far, <see cref="GatewayOptions.FlushBatchRecords"/> would be
/// reached within <see cref="GatewayOptions.FlushMaxDelay"/>) it keeps collecting until that many records wait, so
/// each transaction, segment seal and flusher wake-up is shared by more calls; never past the max delay after the
/// first record. Records are durable in the outbox meanwhile (acknowledgement does not wait for the flusher); only the
/// ledger's view lags, by at most the max delay while the ledger is up.
/// </summary>
public static class FlushPacing
{
    /// <summary>
    /// How much longer to wait before flushing; zero or less means flush now.
    /// </summary>
    /// <param name="elapsed">Time since the flusher was signalled the first record of this round.</param>
    /// <param name="waiting">Records waiting in the outbox.</param>
    /// <param name="window">The light-load window (<see cref="GatewayOptions.FlushBatchWindow"/>).</param>
    /// <param name="maxDelay">Upper bound of the wait (at least <paramref name="window"/>).</param>
    /// <param name="target">Records worth one transaction (<see cref="GatewayOptions.FlushBatchRecords"/>).</param>
    public static TimeSpan Delay(TimeSpan elapsed, long waiting, TimeSpan window, TimeSpan maxDelay, int target)
    {
        if (maxDelay < window)
        {
            maxDelay = window;
        }

        if (waiting >= target || elapsed >= maxDelay)
        {
            return TimeSpan.Zero;
        }

        if (elapsed < window)
        {
            return window - elapsed;
        }

        // Past the window: keep collecting only when the rate seen so far fills a batch before the max delay.
        var rate = waiting / Math.Max(elapsed.TotalSeconds, 1e-3);
        var toFill = rate <= 0 ? double.PositiveInfinity : (target - waiting) / rate;
        var left = (maxDelay - elapsed).TotalSeconds;
        if (toFill > left)
        {
            return TimeSpan.Zero;
        }

        // Not less than a few milliseconds at a time, so a projection that keeps falling just short cannot spin.
        return TimeSpan.FromSeconds(Math.Min(Math.Max(toFill, MinStep.TotalSeconds), left));
    }

    private static readonly TimeSpan MinStep = TimeSpan.FromMilliseconds(5);
}
