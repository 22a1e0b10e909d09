using Daalu.Runtime.Queue;

namespace Daalu.Runtime.Tests.Queue;

public class BackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(10);

    [Fact]
    public void Compute_NoJitter_DoublesPerFailureUntilTheCap()
    {
        var delays = Enumerable.Range(0, 12).Select(n => Backoff.Compute(n, Base, Max, 0, 0).TotalMilliseconds).ToList();

        Assert.Equal([50, 100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000, 10_000], delays);
    }

    [Fact]
    public void Compute_HugeFailureCount_StaysAtTheCap()
    {
        Assert.Equal(Max, Backoff.Compute(10_000, Base, Max, 0, 0));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999999)]
    public void Compute_WithJitter_StaysBetweenReducedAndRawDelay(double sample)
    {
        for (var failures = 0; failures < 20; failures++)
        {
            var raw = Backoff.Compute(failures, Base, Max, 0, 0);
            var jittered = Backoff.Compute(failures, Base, Max, 0.2, sample);

            Assert.InRange(jittered.Ticks, (long)(raw.Ticks * 0.8) - 1, raw.Ticks);
            Assert.True(jittered <= Max);
        }
    }

    [Fact]
    public void Compute_JitterSpreadsDelays_DifferentSamplesGiveDifferentDelays()
    {
        var low = Backoff.Compute(3, Base, Max, 0.2, 0.0);
        var high = Backoff.Compute(3, Base, Max, 0.2, 0.9);

        Assert.Equal(TimeSpan.FromMilliseconds(400), low);
        Assert.Equal(TimeSpan.FromMilliseconds(400 * (1 - 0.18)), high);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    public void Compute_JitterOutOfRange_Throws(double jitter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Compute(0, Base, Max, jitter, 0));
    }
}
