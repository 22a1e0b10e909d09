namespace Daalu.Bench.Workload;

/// <summary>The simulation's clock, given to the router's load trackers so their TTFT windows run in virtual time.</summary>
internal sealed class VirtualClock : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    public TimeSpan Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Epoch + Now;
}
