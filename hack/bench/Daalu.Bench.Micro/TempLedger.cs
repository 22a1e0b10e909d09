using Daalu.Gateway;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daalu.Bench.Micro;

/// <summary>A <see cref="SqliteLedger"/> in a directory of its own under the temp path, and the hosted call the ledger benchmarks record.</summary>
public sealed class TempLedger : IDisposable
{
    private static readonly TenantPlan Plan = new("acme", true, 1_000_000_000_000, 0, 0, 4096, 0.2m, 0.6m, 2.5m, 10m, false, false);
    private readonly string _dir;

    public TempLedger(string name)
    {
        _dir = Path.Combine(Path.GetTempPath(), $"daalu-bench-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        Ledger = new SqliteLedger(new GatewayOptions { LedgerPath = Path.Combine(_dir, "ledger.db") }, NullLogger<SqliteLedger>.Instance);
    }

    public SqliteLedger Ledger { get; }

    /// <summary>A 1,000-in, 500-out hosted chat call of tenant "acme" completed now.</summary>
    public static CallRecord Call(string requestId) => new()
    {
        RequestId = requestId,
        Attempt = 1,
        Tenant = "acme",
        Tier = "Hosted",
        Backend = "pool-a",
        Model = "qwen3-8b",
        RequestClass = "chat",
        TokensIn = 1000,
        TokensOut = 500,
        Plan = Plan,
        CompletedAt = DateTimeOffset.UtcNow,
    };

    public void Dispose()
    {
        Ledger.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }
}
