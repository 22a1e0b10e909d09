using Daalu.Router.LoadBalancing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

public sealed class TtftWindowTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void P95_HundredSamples_NearestRank()
    {
        var s = Enumerable.Range(1, 100).Select(i => new TtftSample(Now.AddSeconds(-1), i)).ToList();
        Assert.Equal(95, TtftWindow.P95(s, Now, TimeSpan.FromSeconds(30), 20));
    }

    [Fact]
    public void P95_FewerThanMinSamples_Null()
    {
        var s = Enumerable.Range(1, 19).Select(i => new TtftSample(Now, 5000)).ToList();
        Assert.Null(TtftWindow.P95(s, Now, TimeSpan.FromSeconds(30), 20));
    }

    [Fact]
    public void P95_SamplesOlderThanWindow_Ignored()
    {
        var old = Enumerable.Range(0, 50).Select(_ => new TtftSample(Now.AddSeconds(-31), 9000));
        var fresh = Enumerable.Range(0, 20).Select(_ => new TtftSample(Now.AddSeconds(-5), 100));
        Assert.Equal(100, TtftWindow.P95([.. old, .. fresh], Now, TimeSpan.FromSeconds(30), 20));
    }

    [Fact]
    public void NewestMedian_OrderedByArrivalNotPosition_MedianOfNewest()
    {
        // Pooled over backends the samples are not in time order; the newest five are 100, 200, 300, 9000, 400 ms.
        var s = new List<TtftSample>
        {
            new(Now.AddSeconds(-1), 100), new(Now.AddSeconds(-30), 5000), new(Now, 200), new(Now.AddSeconds(-2), 300),
            new(Now.AddSeconds(-29), 5000), new(Now.AddSeconds(-3), 9000), new(Now.AddSeconds(-4), 400),
        };
        Assert.Equal(300, TtftWindow.NewestMedian(s, 5));
    }

    [Fact]
    public void NewestMedian_FewerThanCount_Null()
    {
        Assert.Null(TtftWindow.NewestMedian([new TtftSample(Now, 100)], 5));
    }
}
