using Daalu.Router.LoadBalancing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

/// <summary>The load view's prefill backlog: prompt tokens sent, less the prefix likely cached, until the first token.</summary>
public sealed class PrefillBacklogTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Enter_NewConversations_BacklogIsEveryPromptAndTicketsSayWhatEachAdded()
    {
        var t = new LoadTracker(new FakeTimeProvider(T0));
        var a = t.Enter(LoadTracker.ExpectedTokens(3000, 100), 3000, new PrefixKey(1, 100, 188));
        var b = t.Enter(LoadTracker.ExpectedTokens(400, 100), 400, null);

        Assert.Equal(3400, t.Estimate().PrefillBacklogTokens);
        Assert.Equal(3000, a.PrefillTokens);
        Assert.Equal(400, b.PrefillTokens);
        Assert.Equal(2, t.Estimate().InFlight);
        Assert.Equal(3100 + 500, t.Estimate().InFlightTokens);
    }

    [Fact]
    public void Enter_LaterTurnOfAConversationSentHereBefore_BacklogOnlyTheNewTokens()
    {
        var t = new LoadTracker(new FakeTimeProvider(T0));
        var first = t.Enter(1000, 2000, new PrefixKey(9, 100, 125)); // 2,000 tokens = 125 blocks
        t.RecordTtft(300, first);
        t.Exit(first);

        // The next step resends those 125 blocks and adds 800 tokens (a tool result and the reply before it).
        var next = t.Enter(1000, 2800, new PrefixKey(9, 100, 175));
        Assert.Equal(800, next.PrefillTokens);
        Assert.Equal(800, t.Estimate().PrefillBacklogTokens);
    }

    [Fact]
    public void RecordTtft_Ticket_CountsItsPrefillOutOnceAndKeepsTheCallInFlight()
    {
        var time = new FakeTimeProvider(T0);
        var t = new LoadTracker(time);
        var a = t.Enter(1000, 900, null);
        var b = t.Enter(1000, 600, null);

        t.RecordTtft(250, a);
        t.RecordTtft(250, a); // a repeated signal for the same call
        var e = t.Estimate();
        Assert.Equal(600, e.PrefillBacklogTokens);
        Assert.Equal(2, e.InFlight);
        Assert.Equal(1, e.Answering);

        t.Exit(a); // already past its prefill: nothing more to count out
        Assert.Equal(600, t.Estimate().PrefillBacklogTokens);
        t.Exit(b); // ended without a first token seen (a non-streamed answer): its prefill goes with it
        Assert.Equal(0, t.Estimate().PrefillBacklogTokens);
        Assert.Equal(0, t.Estimate().InFlight);
    }

    [Fact]
    public void Estimate_AfterPoll_KeepsTheBacklog()
    {
        var t = new LoadTracker(new FakeTimeProvider(T0));
        t.Enter(1000, 700, null);
        t.Polled(0.1, 1, 0);
        Assert.Equal(700, t.Estimate().PrefillBacklogTokens);
        Assert.Same(t.Index, t.Estimate().Index);
    }

    [Fact]
    public void RecordTtft_TenthSessionRuleCallThatWaitedForEnoughTokens_TeachesThePrefillRateAndSmallOnesDoNot()
    {
        var t = new LoadTracker(new FakeTimeProvider(T0)) { Rule = PrefillRateRule.WaitedPerCall };
        var small = t.Enter(1000, 600, null);
        t.RecordTtft(300, small); // 600 tokens: step overheads would dominate
        Assert.Null(t.Estimate().PrefillTokensPerMs);

        var a = t.Enter(1000, 1500, null); // nothing ahead
        var b = t.Enter(1000, 1300, null); // 1,500 ahead of it
        Assert.Equal(1500, b.BacklogAhead);
        t.RecordTtft(1000, a);
        Assert.Equal(1.5, t.Estimate().PrefillTokensPerMs);

        t.RecordTtft(2000, b); // (1,500 + 1,300) / 2,000 ms = 1.4, smoothed 0.8 old + 0.2 new
        Assert.Equal((0.8 * 1.5) + (0.2 * 1.4), t.Estimate().PrefillTokensPerMs!.Value, 9);
    }
}
