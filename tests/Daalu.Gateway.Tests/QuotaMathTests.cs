using CsCheck;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Quota;

namespace Daalu.Gateway.Tests;

public class QuotaMathTests
{
    [Theory]
    [InlineData("2026-11-30T23:59:59.9999999+00:00", "2026-11")]
    [InlineData("2026-12-01T00:00:00+00:00", "2026-12")]
    [InlineData("2026-12-01T01:30:00+02:00", "2026-11")] // 23:30 UTC on Nov 30: the offset does not move the boundary
    [InlineData("2026-11-30T20:00:00-05:00", "2026-12")] // 01:00 UTC on Dec 1
    [InlineData("2028-02-29T12:00:00+00:00", "2028-02")]
    [InlineData("2026-12-31T23:59:59+00:00", "2026-12")]
    [InlineData("2027-01-01T00:00:00+00:00", "2027-01")]
    public void PeriodOf_InstantNearBoundary_IsTheUtcCalendarMonth(string instant, string period) =>
        Assert.Equal(period, QuotaMath.PeriodOf(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void PeriodStartAndEnd_November_AreUtcMidnightsOfFirstDays()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), QuotaMath.PeriodStart("2026-11"));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), QuotaMath.PeriodEnd("2026-11"));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), QuotaMath.PeriodEnd("2026-12"));
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-1")]
    [InlineData("26-11")]
    [InlineData("2026/11")]
    [InlineData("")]
    public void PeriodStart_Malformed_ThrowsClearError(string period)
    {
        var ex = Assert.Throws<ArgumentException>(() => QuotaMath.PeriodStart(period));
        Assert.Contains("yyyy-MM", ex.Message, StringComparison.Ordinal);
    }

    // Both keep the last string they formatted; random instants (mostly a new month and day each time, sometimes the
    // same) and instants with an offset must still give exactly what formatting the UTC time gives.
    [Fact]
    public void PeriodOfAndDayOf_RandomInstantsInAnyOrder_AreTheUtcMonthAndDay() =>
        Gen.Select(Gen.Long[0, 4_102_444_800_000L], Gen.Int[-14 * 60, 14 * 60], Gen.Bool).Sample((ms, offsetMinutes, repeat) =>
        {
            var t = DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromMinutes(offsetMinutes));
            var utc = t.UtcDateTime;
            for (var i = 0; i < (repeat ? 2 : 1); i++)
            {
                Assert.Equal(utc.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), QuotaMath.PeriodOf(t));
                Assert.Equal(utc.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), QuotaMath.DayOf(t));
            }
        }, iter: 5000);

    [Fact]
    public void PeriodOf_EveryInstantOfAPeriod_MapsBackIntoIt() =>
        Gen.Long[0, 4_102_444_800_000L].Sample(ms =>
        {
            var t = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            var p = QuotaMath.PeriodOf(t);
            Assert.True(QuotaMath.PeriodStart(p) <= t && t < QuotaMath.PeriodEnd(p));
            Assert.Equal(p, QuotaMath.PeriodOf(t)); // deterministic: the same instant twice gives the same period
        }, iter: 2000);

    [Fact]
    public void MinuteOf_Boundaries_AreWholeUnixMinutes()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(60 * 1000);
        Assert.Equal(1000, QuotaMath.MinuteOf(start));
        Assert.Equal(1000, QuotaMath.MinuteOf(start.AddMilliseconds(59_999)));
        Assert.Equal(1001, QuotaMath.MinuteOf(start.AddSeconds(60)));
    }

    [Fact]
    public void ReservationTokens_WithAndWithoutMaxTokens_UsesMaxTokensOrPlanDefault()
    {
        var plan = Plans.Of(defaultMaxTokens: 512);
        Assert.Equal(100 + 50, QuotaMath.ReservationTokens(100, 50, plan));
        Assert.Equal(100 + 512, QuotaMath.ReservationTokens(100, null, plan));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuotaMath.ReservationTokens(-1, 5, plan));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuotaMath.ReservationTokens(1, -5, plan));
    }

    [Fact]
    public void Decide_AtTheBudgetEdge_AdmitsExactFitAndRefusesOneMore()
    {
        var plan = Plans.Of(budget: 1000);
        Assert.True(QuotaMath.Decide(plan, new QuotaUsage(600, 300, 0, 0), 100).Admit);
        var refusal = QuotaMath.Decide(plan, new QuotaUsage(600, 300, 0, 0), 101);
        Assert.False(refusal.Admit);
        Assert.Equal(QuotaRefusalReasons.QuotaExceeded, refusal.Reason);
        Assert.Contains("100 tokens left", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PerMinuteLimits_RefuseWithTheirReasons()
    {
        var tpm = QuotaMath.Decide(Plans.Of(tpm: 1000), new QuotaUsage(0, 0, 950, 1), 51);
        Assert.Equal(QuotaRefusalReasons.TokensPerMinute, tpm.Reason);
        Assert.False(tpm.Admit);
        var rpm = QuotaMath.Decide(Plans.Of(rpm: 3), new QuotaUsage(0, 0, 10, 3), 1);
        Assert.Equal(QuotaRefusalReasons.RequestsPerMinute, rpm.Reason);
        Assert.Contains("3", rpm.Message, StringComparison.Ordinal);
        Assert.True(QuotaMath.Decide(Plans.Of(tpm: 0, rpm: 0), new QuotaUsage(0, 0, 1_000_000, 1_000_000), 1).Admit);
    }

    [Fact]
    public void Decide_BudgetCheckedBeforePerMinute_ReportsQuotaExceededFirst() =>
        Assert.Equal(QuotaRefusalReasons.QuotaExceeded,
            QuotaMath.Decide(Plans.Of(budget: 10, rpm: 1), new QuotaUsage(10, 0, 0, 5), 1).Reason);

    [Fact]
    public void Decide_ShadowMode_AdmitsButNamesTheLimit()
    {
        var d = QuotaMath.Decide(Plans.Of(budget: 10, shadow: true), new QuotaUsage(10, 0, 0, 0), 5);
        Assert.True(d.Admit);
        Assert.True(d.Shadowed);
        Assert.Equal(QuotaRefusalReasons.QuotaExceeded, d.Reason);
    }

    [Fact]
    public void Decide_NotEnrolled_Refuses() =>
        Assert.Equal(QuotaRefusalReasons.NotEnrolled, QuotaMath.Decide(Plans.Of(enrolled: false), default, 1).Reason);

    [Fact]
    public void SettleAndRelease_ReturnUnusedPartAndKeepRequestCount()
    {
        var reserved = QuotaMath.AfterReserve(new QuotaUsage(100, 0, 0, 0), 500);
        Assert.Equal(new QuotaUsage(100, 500, 500, 1), reserved);
        Assert.Equal(new QuotaUsage(420, 0, 320, 1), QuotaMath.AfterSettle(reserved, 500, 320, sameMinute: true));
        Assert.Equal(new QuotaUsage(420, 0, 500, 1), QuotaMath.AfterSettle(reserved, 500, 320, sameMinute: false));
        Assert.Equal(new QuotaUsage(100, 0, 0, 1), QuotaMath.AfterRelease(reserved, 500, sameMinute: true));
    }

    /// <summary>
    /// Any sequence of reserve / settle (actual at most the reservation) / release keeps spent + reserved within the
    /// budget, and once every reservation is closed, reserved is 0 and spent is the sum of the settled actuals.
    /// </summary>
    [Fact]
    public void Operations_AnySequence_KeepReservedPlusSpentWithinBudget()
    {
        var op = Gen.Select(Gen.Int[0, 2], Gen.Long[0, 400], Gen.Double[0, 1]);
        Gen.Select(Gen.Long[0, 5000], op.Array[1, 80]).Sample((budget, ops) =>
        {
            var plan = Plans.Of(budget: budget);
            var usage = new QuotaUsage(0, 0, 0, 0);
            var open = new List<long>();
            long settled = 0;
            foreach (var (kind, tokens, fraction) in ops)
            {
                if (kind == 0 || open.Count == 0)
                {
                    if (QuotaMath.Decide(plan, usage, tokens).Admit)
                    {
                        usage = QuotaMath.AfterReserve(usage, tokens);
                        open.Add(tokens);
                    }
                }
                else
                {
                    var r = open[^1];
                    open.RemoveAt(open.Count - 1);
                    if (kind == 1)
                    {
                        var actual = (long)(r * fraction);
                        settled += actual;
                        usage = QuotaMath.AfterSettle(usage, r, actual, sameMinute: true);
                    }
                    else
                    {
                        usage = QuotaMath.AfterRelease(usage, r, sameMinute: true);
                    }
                }

                Assert.True(usage.Spent + usage.Reserved <= budget, $"spent {usage.Spent} + reserved {usage.Reserved} > {budget}");
            }

            foreach (var r in open)
            {
                usage = QuotaMath.AfterRelease(usage, r, sameMinute: true);
            }

            Assert.Equal(0, usage.Reserved);
            Assert.Equal(settled, usage.Spent);
        }, iter: 500);
    }
}
