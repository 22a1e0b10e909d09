using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;
using Daalu.Router.WebConsole.Billing;
using Daalu.Router.WebConsole.Diagnostics;

namespace Daalu.Console.Tests.Unit;

public sealed class BillingChartTests
{
    private static UsageReport Report(params UsageRow[] rows) =>
        new("t", "Consumer", "2026-12-01", "2026-12-07", 7, rows, new UsageTotals(0, 0, 0, 0, 0, 0), null, null, []);

    private static UsageRow Row(string day, string tier, string cls, long requests, long tin, long tout) =>
        new(day, null, tier, cls, requests, tin, tout, 0, 0, 0, 0, 0);

    [Fact]
    public void From_Rows_EveryDayEveryClassAndTierAndSumsMatch()
    {
        var chart = BillingChart.From(Report(
            Row("2026-12-01", "Hosted", "chat", 2, 100, 50),
            Row("2026-12-07", "OwnGpu", "coding", 1, 10, 5),
            Row("2026-12-07", "External", "chat", 3, 30, 30)));
        Assert.Equal(7, chart.Days.Count);
        Assert.Equal("2026-12-01", chart.Days[0]);
        Assert.Equal(12, chart.Series.Count);
        var hostedChat = chart.Series.Single(s => s.Tier == "Hosted" && s.RequestClass == "chat");
        Assert.Equal([150L, 0, 0, 0, 0, 0, 0], hostedChat.Tokens);
        Assert.Equal(15, chart.Series.Single(s => s.Tier == "OwnGpu" && s.RequestClass == "coding").Tokens[6]);
        Assert.Equal(225, chart.Series.Sum(s => s.Tokens.Sum()));
        Assert.Equal(6, chart.Series.Sum(s => s.Requests.Sum()));
    }

    [Fact]
    public void SkuQuoteFrom_JoinsPricesWithCosts()
    {
        var quotes = SkuQuote.From([new CommercialSku("p/a", 1, 2), new CommercialSku("p/b", 5, 15)], [new SkuCost("p/b", 0.2m, 50), new SkuCost("p/a", 0.04m, 0)]);
        Assert.Equal(["p/a", "p/b"], quotes.Select(q => q.Sku));
        Assert.Equal((5m, 15m, 0.2m, 50m), (quotes[1].InputPerMTok, quotes[1].OutputPerMTok, quotes[1].Cost, quotes[1].SavingsPercent));
    }

    [Fact]
    public void ProbeRateLimit_WithinInterval_WaitsForTheRest()
    {
        var t0 = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var limit = new ProbeRateLimit(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.Zero, limit.TryAcquire("a", t0));
        Assert.Equal(TimeSpan.FromSeconds(20), limit.TryAcquire("a", t0.AddSeconds(10)));
        Assert.Equal(TimeSpan.Zero, limit.TryAcquire("b", t0.AddSeconds(10)));
        Assert.Equal(TimeSpan.Zero, limit.TryAcquire("a", t0.AddSeconds(30)));
    }
}
