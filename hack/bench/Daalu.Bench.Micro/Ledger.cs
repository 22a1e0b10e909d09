using BenchmarkDotNet.Attributes;
using Daalu.Gateway;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daalu.Bench.Micro;

/// <summary>
/// The metering sink's cost on the request path: one caller awaiting <see cref="SqliteLedger.RecordAsync"/> on a started
/// ledger (flusher running) in a temp directory, so each call pays for its own outbox commit as a lone request does.
/// </summary>
[MemoryDiagnoser]
public class Ledger
{
    private readonly TenantPlan _plan = new("acme", true, 1_000_000_000_000, 0, 0, 4096, 0.2m, 0.6m, 2.5m, 10m, false, false);
    private string _dir = string.Empty;
    private SqliteLedger _ledger = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "daalu-bench-ledger-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _ledger = new SqliteLedger(new GatewayOptions { LedgerPath = Path.Combine(_dir, "ledger.db") }, NullLogger<SqliteLedger>.Instance);
        _ledger.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ledger.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _ledger.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Description = "SqliteLedger.RecordAsync, one caller, flusher running")]
    public ValueTask Record() => _ledger.RecordAsync(new CallRecord
    {
        RequestId = "req-" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Attempt = 1,
        Tenant = "acme",
        Tier = "Hosted",
        Backend = "pool-a",
        Model = "qwen3-8b",
        RequestClass = "chat",
        TokensIn = 1000,
        TokensOut = 500,
        Plan = _plan,
        CompletedAt = DateTimeOffset.UtcNow,
    }, CancellationToken.None);
}
