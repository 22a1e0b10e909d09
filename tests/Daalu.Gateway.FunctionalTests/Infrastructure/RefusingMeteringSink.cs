using Daalu.Gateway.Abstractions;

namespace Daalu.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// Stands for the gateway's SqliteLedger refusing a record it considers malformed: SqliteLedger.RecordAsync throws
/// ArgumentException and writes nothing (docs/gateway.md, "The ledger and the outbox"). Counts what it refused.
/// </summary>
public sealed class RefusingMeteringSink : IMeteringSink
{
    private int _refused;

    /// <summary>Records refused so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <inheritdoc/>
    public ValueTask RecordAsync(CallRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        Interlocked.Increment(ref _refused);
        throw new ArgumentException("record refused: tokens must not be negative", nameof(record));
    }
}
