namespace Daalu.Gateway.Metering;

/// <summary>
/// Calls the router has started and not finished, i.e. whose ledger records may still come. The ledger reads it to
/// choose how to commit a record: with few calls in flight on the caller's own thread (no hand-off, the lowest
/// latency), with many on the thread pool, so that the records of the calls finishing meanwhile share one commit
/// instead of paying for one each (on the router's single core an inline commit never overlaps another).
/// </summary>
public sealed class CallsInFlight
{
    private int _count;

    /// <summary>Calls started and not yet finished.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A call started; pair with <see cref="Finished"/>.</summary>
    public void Started() => Interlocked.Increment(ref _count);

    /// <summary>A call finished (its record, if any, was handed to the sink).</summary>
    public void Finished() => Interlocked.Decrement(ref _count);
}
