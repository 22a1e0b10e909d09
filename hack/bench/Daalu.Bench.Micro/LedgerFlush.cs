using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

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
    private TempLedger _temp = null!;
    private long _next;

    [Params(1000)]
    public int Records { get; set; }

    // Not started: the benchmark is the flusher, called directly.
    [GlobalSetup]
    public void Setup() => _temp = new TempLedger("flush");

    [GlobalCleanup]
    public void Cleanup() => _temp.Dispose();

    [IterationSetup]
    public void Append()
    {
        var prefix = Guid.NewGuid().ToString("N")[..16];
        for (var i = 0; i < Records; i++)
        {
            var id = prefix + Interlocked.Increment(ref _next).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            _temp.Ledger.RecordAsync(TempLedger.Call(id), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Description = "SqliteLedger.FlushAsync of the records appended since the last flush")]
    public int Flush() => _temp.Ledger.FlushAsync().GetAwaiter().GetResult();
}
