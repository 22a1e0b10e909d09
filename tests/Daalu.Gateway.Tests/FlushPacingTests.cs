using Daalu.Gateway.Metering;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Gateway.Tests;

/// <summary>
/// The flusher's batch bound (<see cref="FlushPacing"/>): one window after the first record at light load, a batch of
/// FlushBatchRecords under load, never past the max delay. Driven the way the flusher drives it: ask for the delay,
/// advance a fake clock by it, count what arrived meanwhile, until it says flush.
/// </summary>
public sealed class FlushPacingTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(500);
    private const int Target = 2048;

    // Records waiting at `elapsed` for a given arrival schedule; returns when the flush starts and how many it takes.
    private static (TimeSpan At, long Records, int Wakeups) Run(Func<TimeSpan, long> arrived, TimeSpan? window = null, TimeSpan? maxDelay = null)
    {
        var time = new FakeTimeProvider(Calls.Noon);
        var first = time.GetTimestamp();
        var wakeups = 0;
        while (true)
        {
            var elapsed = time.GetElapsedTime(first);
            var delay = FlushPacing.Delay(elapsed, arrived(elapsed), window ?? Window, maxDelay ?? MaxDelay, Target);
            if (delay <= TimeSpan.Zero)
            {
                return (elapsed, arrived(elapsed), wakeups);
            }

            wakeups++;
            Assert.True(wakeups < 100, "the pacing never settled");
            time.Advance(delay);
        }
    }

    private static Func<TimeSpan, long> PerSecond(double rate) => t => 1 + (long)(rate * t.TotalSeconds);

    [Fact]
    public void Delay_LightLoad_FlushesOneWindowAfterTheFirstRecord()
    {
        var (at, records, _) = Run(PerSecond(500));
        Assert.Equal(Window, at);
        Assert.Equal(51, records);
    }

    [Fact]
    public void Delay_UnderLoad_CollectsOneBatchBeforeTheMaxDelay()
    {
        // 8,000 calls/s (the bench's rate): a batch fills in about 256 ms.
        var (at, records, _) = Run(PerSecond(8000));
        Assert.InRange(records, Target, Target + 64);
        Assert.InRange(at, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(265));
    }

    [Fact]
    public void Delay_RateThatCannotFillABatchInTime_FlushesAtTheWindow()
    {
        // 3,000 calls/s would need about 680 ms for a batch: no point waiting past the window.
        var (at, records, _) = Run(PerSecond(3000));
        Assert.Equal(Window, at);
        Assert.Equal(301, records);
    }

    [Fact]
    public void Delay_LoadThatStopsAfterTheWindow_NeverWaitsPastTheMaxDelay()
    {
        // A burst at 10,000 calls/s for 150 ms, then nothing: the projection expected a full batch, the bound holds.
        var (at, records, _) = Run(t => 1 + (long)(10_000 * Math.Min(t.TotalSeconds, 0.15)));
        Assert.True(at <= MaxDelay, $"flushed at {at}");
        Assert.Equal(1501, records);
    }

    [Fact]
    public void Delay_BatchAlreadyFull_FlushesAtOnceEvenInsideTheWindow()
    {
        Assert.Equal(TimeSpan.Zero, FlushPacing.Delay(TimeSpan.FromMilliseconds(1), Target, Window, MaxDelay, Target));
        Assert.Equal(TimeSpan.Zero, FlushPacing.Delay(TimeSpan.Zero, 50_000, Window, MaxDelay, Target)); // a backlog after an outage
    }

    [Fact]
    public void Delay_MaxDelayBelowTheWindow_TheWindowStillApplies()
    {
        var (at, _, _) = Run(PerSecond(500), window: TimeSpan.FromMilliseconds(100), maxDelay: TimeSpan.FromMilliseconds(20));
        Assert.Equal(TimeSpan.FromMilliseconds(100), at);
    }

    [Fact]
    public void Delay_AfterTheMaxDelay_FlushesWhateverWaits()
    {
        Assert.Equal(TimeSpan.Zero, FlushPacing.Delay(MaxDelay, 1, Window, MaxDelay, Target));
        Assert.Equal(TimeSpan.Zero, FlushPacing.Delay(MaxDelay + TimeSpan.FromSeconds(3), 2000, Window, MaxDelay, Target));
    }
}
