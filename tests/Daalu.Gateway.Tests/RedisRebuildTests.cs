using Daalu.TestDoubles.Redis;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Daalu.Gateway.Tests;

/// <summary>
/// Redis counters that can be rebuilt from the ledger, against a real redis-server. Data loss is a FLUSHALL, which
/// leaves Redis as a restart without persistence or a failover to an empty replica does: every key gone. The ledger is
/// a function with the contract of <c>SqliteLedger.HostedTokensSpent</c> (tenant, period) -> hosted tokens.
/// </summary>
public sealed class RedisRebuildTests : RedisGateTestBase
{
    [SkippableFact]
    public async Task ReserveAsync_RedisLostItsData_SpendRebuiltFromLedgerBeforeAdmitting()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var ledger = 0L;
        var reads = 0;
        var gates = new[] { Gate(Ledger), Gate(Ledger) };
        var plan = Plans.Of(Tenant, budget: 6000);
        var a = await gates[0].ReserveAsync(plan, 100, CancellationToken.None);
        await gates[0].SettleAsync(a.Reservation!, 5000, CancellationToken.None);
        ledger = 5000;

        await FlushAllAsync();
        reads = 0;
        var refused = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => gates[i % 2].ReserveAsync(plan, 2000, CancellationToken.None).AsTask()));
        Assert.All(refused, r => Assert.Equal(QuotaRefusalReasons.QuotaExceeded, r.RefusalReason));
        Assert.Equal((5000L, 0L), await gates[1].ReadAsync(Tenant, "2026-11"));
        Assert.InRange(reads, 1, 2); // one rebuild per replica at most, not one per admission
        Assert.True((await gates[1].ReserveAsync(plan, 1000, CancellationToken.None)).Admitted);

        long Ledger(string tenant, string period)
        {
            Interlocked.Increment(ref reads);
            return tenant == Tenant && period == "2026-11" ? ledger : 0;
        }
    }

    [SkippableTheory]
    [InlineData(RedisFailureMode.FailClosed)]
    [InlineData(RedisFailureMode.FailOpen)]
    public async Task ReserveAsync_LedgerUnreadableAfterDataLoss_FailureModeApplies(RedisFailureMode mode)
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var gate = Gate((_, _) => throw new InvalidOperationException("ledger down"), mode);
        var a = await gate.ReserveAsync(Plans.Of(Tenant), 100, CancellationToken.None);
        if (mode == RedisFailureMode.FailClosed)
        {
            Assert.Equal(QuotaRefusalReasons.QuotaStoreUnavailable, a.RefusalReason);
        }
        else
        {
            Assert.True(a.Admitted);
            Assert.StartsWith("unmetered-", a.Reservation!.Id, StringComparison.Ordinal);
        }

        Assert.Equal((0L, 0L), await gate.ReadAsync(Tenant, "2026-11")); // nothing admitted on an unrebuilt period
    }

    [SkippableFact]
    public async Task ReconcileAsync_RedisBehindTheLedger_ExportsTheDrift()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var ledger = 0L;
        var gate = Gate((_, _) => ledger);
        var a = await gate.ReserveAsync(Plans.Of(Tenant), 500, CancellationToken.None);
        await gate.SettleAsync(a.Reservation!, 100, CancellationToken.None);
        ledger = 100;
        Assert.Equal(0, (await gate.ReconcileAsync())[Tenant]);
        ledger = 300; // two calls the counter never heard of
        Assert.Equal(-200, (await gate.ReconcileAsync())[Tenant]);
        Assert.Equal(-200, GatewayMetrics.QuotaDrift.WithLabels(Tenant).Value);
    }

    // Deliverable 2's "periodic": the background loop reconciles every ReconcileInterval on the injected clock, with
    // no call to ReconcileAsync and no traffic.
    [SkippableFact]
    public async Task Background_ReconcileIntervalElapses_DriftExportedWithoutACall()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var ledger = 0L;
        var options = new GatewayOptions { RedisTimeout = TimeSpan.FromMilliseconds(500), ReconcileInterval = TimeSpan.FromSeconds(60) };
        var gate = ConnectedGate(options, (_, _) => Interlocked.Read(ref ledger));
        var a = await gate.ReserveAsync(Plans.Of(Tenant), 500, CancellationToken.None);
        await gate.SettleAsync(a.Reservation!, 100, CancellationToken.None);
        Interlocked.Exchange(ref ledger, 350); // the books hold 250 tokens the counter never heard of
        Assert.NotEqual(-250, GatewayMetrics.QuotaDrift.WithLabels(Tenant).Value);

        Time.Advance(options.ReconcileInterval);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (GatewayMetrics.QuotaDrift.WithLabels(Tenant).Value != -250 && DateTime.UtcNow < deadline)
        {
            await Task.Yield();
            await Task.Delay(20);
        }

        Assert.Equal(-250, GatewayMetrics.QuotaDrift.WithLabels(Tenant).Value);
    }

    [SkippableFact]
    public async Task SettleAsync_OpenReservation_LowersTheReservedTokensGauge()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var gate = Gate((_, _) => 0);
        var plan = Plans.Of(Tenant);
        var a = await gate.ReserveAsync(plan, 1000, CancellationToken.None);
        var b = await gate.ReserveAsync(plan, 400, CancellationToken.None);
        Assert.Equal(1400, GatewayMetrics.ReservedTokens.WithLabels(Tenant).Value);
        await gate.SettleAsync(a.Reservation!, 300, CancellationToken.None);
        Assert.Equal(400, GatewayMetrics.ReservedTokens.WithLabels(Tenant).Value);
        await gate.ReleaseAsync(b.Reservation!, CancellationToken.None);
        Assert.Equal(0, GatewayMetrics.ReservedTokens.WithLabels(Tenant).Value);
    }

    private async Task FlushAllAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(Server!.Url + ",allowAdmin=true");
        await admin.GetServer(Server.Url).FlushAllDatabasesAsync();
    }

    private RedisQuotaGate Gate(Func<string, string, long> ledger, RedisFailureMode mode = RedisFailureMode.FailClosed) =>
        ConnectedGate(new GatewayOptions { RedisTimeout = TimeSpan.FromMilliseconds(500), RedisFailureMode = mode }, ledger);
}
