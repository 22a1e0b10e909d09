namespace Daalu.Gateway.Abstractions;

/// <summary>
/// Accepts call records on the hot path without blocking on storage; each record is made durable
/// (outbox, then ledger) and is written exactly once per (RequestId, Attempt).
/// </summary>
public interface IMeteringSink
{
    /// <summary>Queues <paramref name="record"/> durably. Returns once it will survive a crash or SIGTERM.</summary>
    ValueTask RecordAsync(CallRecord record, CancellationToken cancellationToken);
}
