using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Daalu.Gateway;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daalu.Bench.Micro;

/// <summary>
/// The ledger flusher's cost, which the router pays on its own core in the background: one flush of
/// <see cref="Records"/> records appended since the last one (the flusher's batch at ~10,000 requests/s with its 100 ms
/// window is about 1,000). The ledger keeps growing over the iterations, as a real one does. Divide by Records for the
/// cost per call.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
public class LedgerFlush
{
    private readonly TenantPlan _plan = new("acme", true, 1_000_000_000_000, 0, 0, 4096, 0.2m, 0.6m, 2.5m, 10m, false, false);
    private string _dir = string.Empty;
    private SqliteLedger _ledger = null!;
    private long _next;

    [Params(1000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "daalu-bench-flush-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        // Not started: the benchmark is the flusher, called directly.
        _ledger = new SqliteLedger(new GatewayOptions { LedgerPath = Path.Combine(_dir, "ledger.db") }, NullLogger<SqliteLedger>.Instance);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ledger.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }

    [IterationSetup]
    public void Append()
    {
        var prefix = Guid.NewGuid().ToString("N")[..16];
        for (var i = 0; i < Records; i++)
        {
            _ledger.RecordAsync(new CallRecord
            {
                RequestId = prefix + Interlocked.Increment(ref _next).ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
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
            }, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Description = "SqliteLedger.FlushAsync of the records appended since the last flush")]
    public int Flush() => _ledger.FlushAsync().GetAwaiter().GetResult();
}
