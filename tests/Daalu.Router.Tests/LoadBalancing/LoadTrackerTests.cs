using Daalu.Router.LoadBalancing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

public sealed class LoadTrackerTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Estimate_BeforeAnyPoll_CountsOwnCallsOnly()
    {
        var t = new LoadTracker(new FakeTimeProvider(T0));
        t.Enter(1000);
        t.Enter(500);
        var e = t.Estimate();
        Assert.Equal(2, e.InFlight);
        Assert.Equal(1500, e.InFlightTokens);
        Assert.Equal(2, e.EstimatedRequests);
        Assert.Null(e.EstimatedKvCacheUsage);
        Assert.Null(e.EstimatedWaiting);
    }

    [Fact]
    public void Estimate_BurstAfterPoll_MovesPolledKvAndRequestsByWhatWasSent()
    {
        var t = new LoadTracker(new FakeTimeProvider(T0));
        for (var i = 0; i < 4; i++)
        {
            t.Enter(1000);
        }

        // 4,000 tokens of ours showed as 20 % of the cache: 0.00005 per token. 6 running (2 from another router).
        t.Polled(0.20, 0, 6);
        for (var i = 0; i < 12; i++)
        {
            t.Enter(1000);
        }

        var e = t.Estimate();
        Assert.Equal(0.20 + (12_000 * 0.00005), e.EstimatedKvCacheUsage!.Value, 6);
        Assert.Equal(18, e.EstimatedRequests);
        Assert.Equal(0, e.EstimatedWaiting); // an empty queue stays empty: the cache estimate says when it would grow
    }

    [Fact]
    public void Estimate_QueueAtPoll_GrowsAndDrainsWithNetCalls()
    {
        var t = new LoadTracker(new FakeTimeProvider(T0));
        for (var i = 0; i < 4; i++)
        {
            t.Enter(100);
        }

        t.Polled(0.5, 3, 10);
        t.Enter(100);
        t.Enter(100);
        Assert.Equal(5, t.Estimate().EstimatedWaiting);
        for (var i = 0; i < 4; i++)
        {
            t.Exit(100);
        }

        Assert.Equal(1, t.Estimate().EstimatedWaiting);
        Assert.Equal(2, t.Estimate().InFlight);
        for (var i = 0; i < 5; i++)
        {
            t.Exit(100);
        }

        Assert.Equal(0, t.Estimate().InFlight); // never below zero
        Assert.Equal(0, t.Estimate().EstimatedWaiting);
    }

    [Fact]
    public void Estimate_QueuedCallsGetFirstTokens_QueueDrainsBeforeTheyEnd()
    {
        // A burst left 6 waiting at the poll; 2 more arrive, then 7 first tokens stream back (their prefill is done,
        // they are running), none has ended yet: 1 is still waiting, not 8.
        var time = new FakeTimeProvider(T0);
        var t = new LoadTracker(time);
        for (var i = 0; i < 10; i++)
        {
            t.Enter(1000);
        }

        t.Polled(0.6, 6, 4);
        t.Enter(1000);
        t.Enter(1000);
        Assert.Equal(8, t.Estimate().EstimatedWaiting);
        for (var i = 0; i < 7; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(300));
            t.RecordTtft(1500);
        }

        var e = t.Estimate();
        Assert.Equal(1, e.EstimatedWaiting);
        Assert.Equal(12, e.InFlight);
        Assert.Equal(12, e.EstimatedRequests); // still on the card: running, not waiting
        t.Polled(0.7, 0, 12);
        t.RecordTtft(200); // a first token after a poll that saw no queue moves nothing below zero
        Assert.Equal(0, t.Estimate().EstimatedWaiting);
    }

    [Fact]
    public void Estimate_StreamsPastTheirFirstToken_CountHalfInPickLoad()
    {
        // Card a: 4 calls all decoding (first tokens seen); card b: 3 calls all still waiting for theirs. By requests a
        // looks busier; a new call's first token waits on b's three prefills, on a only for one decode step.
        var a = new LoadTracker(new FakeTimeProvider(T0));
        var b = new LoadTracker(new FakeTimeProvider(T0));
        for (var i = 0; i < 4; i++)
        {
            a.Enter(500);
            a.RecordTtft(300);
        }

        for (var i = 0; i < 3; i++)
        {
            b.Enter(500);
        }

        Assert.Equal(4, a.Estimate().Answering);
        Assert.Equal(2, a.Estimate().PickLoad);
        Assert.Equal(3, b.Estimate().PickLoad);

        a.Exit(500);
        a.Exit(500);
        Assert.Equal(2, a.Estimate().Answering);
        a.RecordTtft(300); // more first tokens than calls (a record without a matching call) never exceeds what is in flight
        a.RecordTtft(300);
        Assert.Equal(2, a.Estimate().Answering);
        a.Exit(500);
        a.Exit(500);
        a.Exit(500);
        Assert.Equal(0, a.Estimate().Answering);
        Assert.Equal(0, a.Estimate().PickLoad);
    }

    [Fact]
    public void Estimate_NoStreamedCalls_PickLoadIsRequests()
    {
        var t = new LoadTracker(new FakeTimeProvider(T0));
        t.Enter(500);
        t.Enter(500);
        t.Polled(0.3, 1, 4);
        Assert.Equal(0, t.Estimate().Answering);
        Assert.Equal(t.Estimate().EstimatedRequests, t.Estimate().PickLoad);
    }

    [Fact]
    public void Estimate_KvNeverAboveOne()
    {
        var t = new LoadTracker(new FakeTimeProvider(T0));
        t.Enter(1000);
        t.Polled(0.5, 0, 1);
        t.Enter(100_000);
        Assert.Equal(1.0, t.Estimate().EstimatedKvCacheUsage);
    }

    [Fact]
    public void ExpectedTokens_DefaultOutputAndCap()
    {
        Assert.Equal(100 + LoadTracker.DefaultExpectedOutput, LoadTracker.ExpectedTokens(100, null));
        Assert.Equal(100 + 50, LoadTracker.ExpectedTokens(100, 50));
        Assert.Equal(100 + LoadTracker.MaxExpectedOutput, LoadTracker.ExpectedTokens(100, 32_000));
    }

    [Fact]
    public void RecordTtft_KeepsNewestSamplesStamped()
    {
        var time = new FakeTimeProvider(T0);
        var t = new LoadTracker(time);
        for (var i = 0; i < LoadTracker.TtftCapacity + 10; i++)
        {
            t.RecordTtft(i);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        var s = t.Estimate().Ttft;
        Assert.Equal(LoadTracker.TtftCapacity, s.Count);
        Assert.Equal(10, s[0].Ms);
        Assert.Equal(LoadTracker.TtftCapacity + 9, s[^1].Ms);
        Assert.True(s[^1].At > s[0].At);
    }

    [Fact]
    public void RecordTtft_EstimateTakenEarlier_KeepsItsSamplesAcrossLaterRecords()
    {
        var time = new FakeTimeProvider(T0);
        var t = new LoadTracker(time);
        for (var i = 0; i < LoadTracker.TtftCapacity; i++)
        {
            t.RecordTtft(i);
        }

        var earlier = t.Estimate().Ttft;
        var copy = earlier.ToArray();
        for (var i = 0; i < 3 * LoadTracker.TtftCapacity; i++)
        {
            t.RecordTtft(10_000 + i);
        }

        Assert.Equal(copy, earlier.ToArray());
        var now = t.Estimate().Ttft;
        Assert.Equal(LoadTracker.TtftCapacity, now.Count);
        Assert.Equal(Enumerable.Range(10_000 + (2 * LoadTracker.TtftCapacity), LoadTracker.TtftCapacity).Select(i => (double)i), now.Select(s => s.Ms));
    }
}
