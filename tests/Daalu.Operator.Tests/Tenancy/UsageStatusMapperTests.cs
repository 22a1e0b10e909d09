using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;
using Daalu.Operator.Routing;
using Daalu.Operator.Tenancy;

namespace Daalu.Operator.Tests.Tenancy;

// Usage report -> TenantQuota status, and the QuotaExceeded decision: pure, no I/O.
public sealed class UsageStatusMapperTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 19, 0, 0, TimeSpan.Zero);

    private static UsageRow Row(string day, string tier, string cls, long requests, long tin, long tout, decimal spend, decimal ce) =>
        new(day, null, tier, cls, requests, tin, tout, spend, ce, 0, 0, 0);

    private static UsageReport Report(QuotaStatus? quota, ProviderCredits? credits, params UsageRow[] rows) =>
        new("team-a", "Owner", "2026-10-25", "2026-11-23", 30, rows, new UsageTotals(0, 0, 0, 0, 0, 0), quota, credits, []);

    [Fact]
    public void Apply_RowsOfThePeriod_GroupedByTierAndClassWithTotalsAndSavings()
    {
        var status = new TenantQuotaStatus();
        var report = Report(
            new QuotaStatus("2026-11", 100_000, 4500, 95_500, false),
            new ProviderCredits(0.5m, [new CardCredit("2026-11-20", null, "daalu-system/gpu", 2, 100, 0.3m), new CardCredit("2026-10-30", null, "daalu-system/gpu", 1, 50, 0.2m)]),
            Row("2026-10-31", TierNames.Hosted, "chat", 9, 9000, 9000, 9m, 90m),
            Row("2026-11-22", TierNames.Hosted, "chat", 1, 2000, 1000, 0.001m, 0.015m),
            Row("2026-11-23", TierNames.External, "chat", 1, 1000, 1000, 0.00075m, 0.0125m),
            Row("2026-11-23", TierNames.Hosted, "chat", 1, 1000, 500, 0.0005m, 0.0075m),
            Row("2026-11-23", TierNames.OwnGpu, "coding", 4, 400, 400, 0, 0.01m));

        UsageStatusMapper.Apply(status, new TenantQuotaSpec { MonthlyTokenBudget = 100_000 }, report, Now);

        Assert.Equal("2026-11", status.Period);
        Assert.Equal(
            [(TierNames.OwnGpu, "coding", 4L, 400L, 400L, 0m), (TierNames.Hosted, "chat", 2L, 3000L, 1500L, 0.0015m), (TierNames.External, "chat", 1L, 1000L, 1000L, 0.00075m)],
            status.Usage.Select(u => (u.Tier, u.RequestClass, u.Requests, u.TokensIn, u.TokensOut, u.Spend)));
        Assert.Equal(0.00225m, status.Spend);
        Assert.Equal(0.045m, status.CommercialEquivalent);
        Assert.Equal(95m, status.SavingsPercent);
        Assert.Equal(0.3m, status.ProviderCredits);
        Assert.Equal((4500L, 95_500L), (status.TokensUsed, status.TokensRemaining));
    }

    [Fact]
    public void Apply_NoQuotaBlock_TokensFromHostedRowsAndBudget()
    {
        var status = new TenantQuotaStatus();
        UsageStatusMapper.Apply(status, new TenantQuotaSpec { MonthlyTokenBudget = 5000 },
            Report(null, null, Row("2026-11-23", TierNames.Hosted, "chat", 1, 1000, 500, 0.1m, 1m), Row("2026-11-23", TierNames.External, "chat", 1, 1000, 500, 0.2m, 1m)), Now);

        Assert.Equal((1500L, 3500L), (status.TokensUsed, status.TokensRemaining));
        Assert.Equal("2026-11", status.Period);
        Assert.Equal(0m, status.ProviderCredits);
    }

    public static TheoryData<bool, bool, long, long, int, string, string> QuotaCases => new()
    {
        { true, false, 1000, 0, 4096, ConditionStatus.True, RoutingReasons.BudgetExhausted },
        { true, false, 700, 300, 600, ConditionStatus.True, RoutingReasons.BelowDefaultReservation },
        { true, false, 100, 900, 600, ConditionStatus.False, RoutingReasons.WithinBudget },
        { true, true, 1000, 0, 4096, ConditionStatus.False, RoutingReasons.NotEnforced },
        { false, false, 0, 0, 4096, ConditionStatus.False, RoutingReasons.NotEnforced },
    };

    [Theory]
    [MemberData(nameof(QuotaCases))]
    public void QuotaExceeded_Numbers_ConditionAndReason(bool enrolled, bool shadow, long used, long remaining, int defaultMaxTokens, string expected, string reason)
    {
        var spec = new TenantQuotaSpec { Enrolled = enrolled, ShadowMode = shadow, MonthlyTokenBudget = used + remaining, DefaultMaxTokens = defaultMaxTokens };

        var (status, actualReason, message) = UsageStatusMapper.QuotaExceeded(spec, used, remaining);

        Assert.Equal((expected, reason), (status, actualReason));
        Assert.False(string.IsNullOrWhiteSpace(message));
    }

    [Fact]
    public void DaysInPeriodSoFar_CoversTheMonthToToday()
    {
        Assert.Equal(23, UsageStatusMapper.DaysInPeriodSoFar(Now));
        Assert.Equal(1, UsageStatusMapper.DaysInPeriodSoFar(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.Zero)));

        // 01:30 at +02:00 on Dec 1 is still Nov 30 in UTC: the period and the day count follow UTC.
        Assert.Equal(30, UsageStatusMapper.DaysInPeriodSoFar(new DateTimeOffset(2026, 12, 1, 1, 30, 0, TimeSpan.FromHours(2))));
        Assert.Equal("2026-11", UsageStatusMapper.PeriodOf(new DateTimeOffset(2026, 12, 1, 1, 30, 0, TimeSpan.FromHours(2))));
    }
}
