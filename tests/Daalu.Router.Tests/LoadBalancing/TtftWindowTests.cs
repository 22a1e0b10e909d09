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
}
