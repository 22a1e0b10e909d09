namespace Daalu.Gateway.Metering;

/// <summary>
/// Where a stopping replica parks the outbox records it could not flush into the shared ledger, and where any replica
/// takes them from to write them into that ledger. Every parked record is keyed by its (request id, attempt), the
/// ledger's unique key: parking the same record twice keeps one copy, and a record both parked and left in an outbox
/// (a crash between the two) is written once, because the ledger refuses the second row. Calls are synchronous: they
/// run on the flusher's own thread, under its lock.
/// </summary>
public interface IOutboxParking
{
    /// <summary>Parks <paramref name="calls"/>; returns once the store acknowledged every one (throws otherwise).</summary>
    void Park(IReadOnlyList<PricedCall> calls);

    /// <summary>Up to <paramref name="max"/> parked records with their keys (none: an empty list).</summary>
    IReadOnlyList<(string Key, PricedCall Call)> Take(int max);

    /// <summary>Removes parked records by key, after the ledger committed them.</summary>
    void Remove(IReadOnlyList<string> keys);
}
