using BenchmarkDotNet.Attributes;

namespace Daalu.Bench.Micro;

/// <summary>
/// The metering sink's cost on the request path: one caller awaiting <see cref="Daalu.Gateway.Metering.SqliteLedger.RecordAsync"/>
/// on a started ledger (flusher running) in a temp directory, so each call pays for its own outbox commit as a lone request does.
/// </summary>
[MemoryDiagnoser]
public class Ledger
{
    private TempLedger _temp = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _temp = new TempLedger("ledger");
        _temp.Ledger.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _temp.Ledger.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _temp.Dispose();
    }

    [Benchmark(Description = "SqliteLedger.RecordAsync, one caller, flusher running")]
    public ValueTask Record() => _temp.Ledger.RecordAsync(
        TempLedger.Call("req-" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None);
}
