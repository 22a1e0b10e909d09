using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;

namespace Daalu.Gateway.Metering;

/// <summary>
/// The ledger table the outbox flushes into, and the reads the usage API, provider credits and quota rebuilds make
/// of it. Two implementations: <see cref="SqliteLedgerStore"/> (a file, one router process: the embedded default) and
/// <c>Postgres.PostgresLedgerStore</c> (one table shared by every router replica). Both refuse a second row for the same
/// (request id, attempt), so a flush repeated after a crash or an ambiguous commit writes nothing twice.
/// Writes are called by one flusher at a time; reads from any thread.
/// </summary>
public interface ILedgerStore : IDisposable
{
    /// <summary>"sqlite" or "postgres" (logs, metrics).</summary>
    string Kind { get; }

    /// <summary>Creates the table and indexes when missing. Safe to call from several processes at once.</summary>
    void EnsureSchema();

    /// <summary>Inserts <paramref name="rows"/> in one transaction; returns rows inserted (the rest were already there).</summary>
    int Insert(IReadOnlyList<PricedCall> rows);

    /// <summary>Drops the writer's connection after a failure, so the next flush opens a fresh one.</summary>
    void ResetConnection();

    /// <summary>
    /// Hosted tokens (in + out) of <paramref name="tenant"/> in <paramref name="period"/> in the ledger, plus those of
    /// <paramref name="waiting"/> (records still in an outbox) whose (request id, attempt) the ledger does not hold,
    /// read in one snapshot.
    /// </summary>
    long HostedTokensSpent(string tenant, string period, IReadOnlyList<(string RequestId, int Attempt, long Tokens)> waiting);

    /// <summary>Usage rows per day, tier and request class (and tenant when <paramref name="scope"/> is null), ordered.</summary>
    List<UsageRow> ReadRows(string? scope, string fromDay, string toDay);

    /// <summary>Credits per day and card for the contributor <paramref name="scope"/> (or every contributor).</summary>
    ProviderCredits ReadCredits(string? scope, string fromDay, string toDay, bool includeContributor);

    /// <summary>Every contributor's total credit over the whole ledger, in nano-units, ordered by contributor.</summary>
    IReadOnlyList<(string Contributor, long CreditNano)> CreditTotals();
}
