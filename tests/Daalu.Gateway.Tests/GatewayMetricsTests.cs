using Daalu.Gateway.Metering;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Gateway.Tests;

public sealed class GatewayMetricsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task Refusals_AndReservedGauge_AreCountedPerTenantAndReason()
    {
        var tenant = "m-" + Guid.NewGuid().ToString("N")[..8];
        var gate = new InMemoryQuotaGate(new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero)));
        var plan = Plans.Of(tenant, budget: 1000, rpm: 2);
        var a = await gate.ReserveAsync(plan, 600, CancellationToken.None);
        Assert.Equal(600, GatewayMetrics.ReservedTokens.WithLabels(tenant).Value);
        await gate.ReserveAsync(plan, 600, CancellationToken.None); // over budget
        await gate.ReserveAsync(plan, 100, CancellationToken.None); // 2nd request: admitted
        await gate.ReserveAsync(plan, 100, CancellationToken.None); // 3rd: RPM
        Assert.Equal(1, GatewayMetrics.QuotaRefusals.WithLabels(tenant, "QuotaExceeded", "false").Value);
        Assert.Equal(1, GatewayMetrics.QuotaRefusals.WithLabels(tenant, "RequestsPerMinute", "false").Value);
        await gate.ReleaseAsync(a.Reservation!, CancellationToken.None);
        Assert.Equal(100, GatewayMetrics.ReservedTokens.WithLabels(tenant).Value);
    }

    [Fact]
    public async Task Exposition_HasGatewayMetricsAndNoSecretsOrPrompts()
    {
        var options = new GatewayOptions { LedgerPath = _dir.File("ledger.db") };
        await using (var ledger = new SqliteLedger(options, NullLogger<SqliteLedger>.Instance))
        {
            await ledger.RecordAsync(Calls.Hosted("metrics-1"), CancellationToken.None);
            Assert.True(GatewayMetrics.OutboxDepth.Value >= 1);
            await ledger.FlushAsync();
        }

        using var stream = new MemoryStream();
        await GatewayMetrics.Registry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("daalu_gateway_outbox_depth", text, StringComparison.Ordinal);
        Assert.Contains("daalu_gateway_ledger_write_failures_total", text, StringComparison.Ordinal);
        Assert.Contains("daalu_gateway_quota_refusals_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-", text, StringComparison.Ordinal);
        Assert.DoesNotContain("metrics-1", text, StringComparison.Ordinal); // request ids are not labels either
    }
}
