using System.Text.Json;
using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.Usage;
using Daalu.Gateway;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Daalu.Gateway.Usage;
using Daalu.Operator.Routing;
using Daalu.Operator.Tenancy;
using Daalu.Operator.Tests.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Operator.Tests.Tenancy;

// The TenantQuota status against the router's own usage report: the real SQLite ledger and UsageQueryService, the
// report through JSON as HttpUsageClient reads it. Rows metered without reference prices (own-GPU calls without a plan)
// are priced by the router at the first commercial SKU; the status must show the same figures and name that SKU.
public sealed class UsageStatusRouterAgreementTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private static CallRecord Call(string id, string tier, long tokensIn, long tokensOut, TenantPlan? plan) => new()
    {
        RequestId = id,
        Attempt = 1,
        Tenant = "team-a",
        Tier = tier,
        Backend = "daalu-system/gpu",
        Model = "m",
        RequestClass = "chat",
        TokensIn = tokensIn,
        TokensOut = tokensOut,
        Plan = plan,
        CompletedAt = Now.AddHours(-1),
    };

    private async Task<UsageReport> RouterReportAsync(params CallRecord[] calls)
    {
        var options = new GatewayOptions { LedgerPath = Path.Combine(_dir.Path, "ledger.db") };
        await using (var ledger = new SqliteLedger(options, NullLogger<SqliteLedger>.Instance))
        {
            foreach (var call in calls)
            {
                await ledger.RecordAsync(call, default);
            }

            await ledger.FlushAsync();
        }

        var directory = new StaticUsageDirectory([], new Dictionary<string, TenantRole> { ["team-a"] = TenantRole.Owner },
            [new CommercialSku("gpt-4o", 2.50m, 10.00m), new CommercialSku("gpt-4o-mini", 0.15m, 0.60m)]);
        var report = new UsageQueryService(options, new FakeTimeProvider(Now), directory)
            .Query(new UsageQuery(new TenantIdentity("admin", true), Tenant: "team-a", Days: UsageStatusMapper.DaysInPeriodSoFar(Now)));
        return JsonSerializer.Deserialize<UsageReport>(JsonSerializer.Serialize(report, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;
    }

    [Fact]
    public async Task Apply_OwnGpuRowsWithoutReferencePrices_StatusEqualsReportTotalsAndNamesTheSku()
    {
        var report = await RouterReportAsync(Call("o1", TierNames.OwnGpu, 2000, 1000, plan: null));
        var status = new TenantQuotaStatus();

        UsageStatusMapper.Apply(status, new TenantQuotaSpec { Tenant = "team-a", MonthlyTokenBudget = 1000 }, report, Now);

        // gpt-4o: 2000 x 2.50 + 1000 x 10.00 per million = 0.015, nothing spent: 100 % saved.
        Assert.Equal((0.015m, 100m), (status.CommercialEquivalent, status.SavingsPercent));
        Assert.Equal((report.Totals.CommercialEquivalent, report.Totals.SavingsPercent), (status.CommercialEquivalent, status.SavingsPercent));
        var sku = report.SkuComparison.Single(s => s.Sku == "gpt-4o");
        Assert.Equal((sku.Cost, sku.SavingsPercent), (status.CommercialEquivalent, status.SavingsPercent));
        Assert.Equal("gpt-4o", status.CommercialReferenceSku);
    }

    [Fact]
    public async Task Apply_EveryRowWithItsPlansPrices_NoReferenceSkuAndTotalsAgree()
    {
        var plan = new TenantPlan("team-a", true, 100_000, 0, 0, 4096, InputPerMTok: 0.5m, OutputPerMTok: 1.5m, ReferenceInputPerMTok: 3m, ReferenceOutputPerMTok: 15m, ShadowMode: false, Admin: false);
        var report = await RouterReportAsync(Call("h1", TierNames.Hosted, 2000, 1000, plan));
        var status = new TenantQuotaStatus { CommercialReferenceSku = "stale" };

        UsageStatusMapper.Apply(status, new TenantQuotaSpec { Tenant = "team-a", MonthlyTokenBudget = 100_000 }, report, Now);

        Assert.Null(report.CommercialReferenceSku);
        Assert.Null(status.CommercialReferenceSku);
        Assert.Equal((report.Totals.Spend, report.Totals.CommercialEquivalent, report.Totals.SavingsPercent), (status.Spend, status.CommercialEquivalent, status.SavingsPercent));
        // 2000 x 3 + 1000 x 15 per million = 0.021 against 2000 x 0.5 + 1000 x 1.5 = 0.0025 spent.
        Assert.Equal((0.0025m, 0.021m), (status.Spend, status.CommercialEquivalent));
    }
}
