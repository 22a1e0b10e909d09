using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Daalu.Gateway.Metering;

/// <summary>
/// The SQLite ledger: one file (<see cref="GatewayOptions.LedgerPath"/>) for one router process, the embedded default.
/// The flusher's connection commits with synchronous=FULL (the outbox segments are deleted right after); reads open
/// their own read-only connections (WAL lets them run beside the writer).
/// </summary>
public sealed class SqliteLedgerStore(GatewayOptions options) : ILedgerStore
{
    // The flusher's long-lived ledger connection; opened on first use, dropped after a failure.
    private SqliteConnection? _flushLedger;
    private bool _ready;

    /// <inheritdoc />
    public string Kind => "sqlite";

    private bool Exists => File.Exists(Path.GetFullPath(options.LedgerPath));

    /// <inheritdoc />
    public void EnsureSchema() => EnsureSchema(null);

    /// <inheritdoc />
    public void ResetConnection()
    {
        _flushLedger?.Dispose();
        _flushLedger = null;
    }

    /// <inheritdoc />
    public void Dispose() => ResetConnection();

    /// <inheritdoc />
    public long HostedTokensSpent(string tenant, string period, IReadOnlyList<(string RequestId, int Attempt, long Tokens)> waiting)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        if (!Exists)
        {
            return waiting.Sum(w => w.Tokens); // nothing flushed yet; a read does not create the ledger
        }

        using var connection = SqliteStores.Open(options.LedgerPath, options.LedgerBusyTimeout);
        using var transaction = connection.BeginTransaction(deferred: true); // one snapshot for the sum and the checks
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(SUM(tokens_in + tokens_out), 0) FROM ledger WHERE tenant = $t AND period = $p AND tier = 'Hosted'";
        command.Parameters.AddWithValue("$t", tenant);
        command.Parameters.AddWithValue("$p", period);
        var spent = (long)command.ExecuteScalar()!;

        command.CommandText = "SELECT 1 FROM ledger WHERE request_id = $r AND attempt = $a";
        command.Parameters.Clear();
        var requestId = command.Parameters.Add("$r", SqliteType.Text);
        var attempt = command.Parameters.Add("$a", SqliteType.Integer);
        foreach (var (id, n, tokens) in waiting)
        {
            requestId.Value = id;
            attempt.Value = n;
            if (command.ExecuteScalar() is null)
            {
                spent += tokens;
            }
        }

        return spent;
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Contributor, long CreditNano)> CreditTotals()
    {
        var result = new List<(string, long)>();
        if (!Exists)
        {
            return result;
        }

        using var connection = SqliteStores.Open(options.LedgerPath, options.LedgerBusyTimeout, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT contributor_tenant, SUM(credit_nano) FROM ledger
            WHERE contributor_tenant IS NOT NULL GROUP BY contributor_tenant ORDER BY contributor_tenant
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return result;
    }

    public List<UsageRow> ReadRows(string? scope, string fromDay, string toDay)
    {
        if (!Exists)
        {
            return [];
        }

        using var connection = SqliteStores.Open(options.LedgerPath, options.LedgerBusyTimeout, readOnly: true);
        using var command = connection.CreateCommand();
        var tenantColumn = scope is null ? "tenant" : "NULL";
        command.CommandText = $"""
            SELECT day, {tenantColumn}, tier, request_class, COUNT(*), SUM(tokens_in), SUM(tokens_out),
                   SUM(cost_nano), SUM(commercial_nano), SUM(estimated), SUM(partial)
            FROM ledger
            WHERE day >= $from AND day <= $to {(scope is null ? string.Empty : "AND tenant = $tenant")}
            GROUP BY day, {tenantColumn}, tier, request_class
            ORDER BY day, {tenantColumn}, tier, request_class
            """;
        LedgerQueryResults.BindDayRange(command, "$", fromDay, toDay, scope);

        using var reader = command.ExecuteReader();
        return LedgerQueryResults.UsageRows(reader);
    }

    public ProviderCredits ReadCredits(string? scope, string fromDay, string toDay, bool includeContributor)
    {
        if (!Exists)
        {
            return new ProviderCredits(0, []);
        }

        using var connection = SqliteStores.Open(options.LedgerPath, options.LedgerBusyTimeout, readOnly: true);
        using var command = connection.CreateCommand();
        var contributor = includeContributor ? "contributor_tenant" : "NULL";
        command.CommandText = $"""
            SELECT day, {contributor}, backend, COUNT(*), SUM(tokens_in + tokens_out), SUM(credit_nano)
            FROM ledger
            WHERE contributor_tenant IS NOT NULL AND day >= $from AND day <= $to
                  {(scope is null ? string.Empty : "AND contributor_tenant = $tenant")}
            GROUP BY day, {contributor}, backend
            ORDER BY day, {contributor}, backend
            """;
        LedgerQueryResults.BindDayRange(command, "$", fromDay, toDay, scope);

        using var reader = command.ExecuteReader();
        return LedgerQueryResults.Credits(reader);
    }

    // One transaction (synchronous=FULL) for the rows; returns those inserted, the rest being refused duplicates.
    // Prepared once per batch and bound by position through SQLite's own API: Microsoft.Data.Sqlite's per-row
    // parameter lookups by name cost more than the insert (profile of the flush thread under load).
    public int Insert(IReadOnlyList<PricedCall> rows)
    {
        var ledger = FlushConnection();
        EnsureSchema(ledger);
        var inserted = 0;
        var bound = 0;
        using (var transaction = ledger.BeginTransaction(deferred: false))
        {
            var db = ledger.Handle!;
            Check(db, raw.sqlite3_prepare_v2(db, """
                INSERT INTO ledger(request_id, attempt, tenant, tier, backend, model, request_class, tokens_in, tokens_out,
                    estimated, partial, ttft_ms, latency_ms, cost_nano, commercial_nano, credit_nano, contributor_tenant,
                    completed_at_ms, day, period)
                VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
                ON CONFLICT(request_id, attempt) DO NOTHING
                """, out var insert));
            using (insert)
            {
                foreach (var c in rows)
                {
                    YieldNowAndThen(++bound);
                    try
                    {
                        Check(db, raw.sqlite3_bind_text(insert, 1, c.RequestId));
                        Check(db, raw.sqlite3_bind_int64(insert, 2, c.Attempt));
                        Check(db, raw.sqlite3_bind_text(insert, 3, c.Tenant));
                        Check(db, raw.sqlite3_bind_text(insert, 4, c.Tier));
                        Check(db, raw.sqlite3_bind_text(insert, 5, c.Backend));
                        Check(db, raw.sqlite3_bind_text(insert, 6, c.Model));
                        Check(db, raw.sqlite3_bind_text(insert, 7, c.RequestClass));
                        Check(db, raw.sqlite3_bind_int64(insert, 8, c.TokensIn));
                        Check(db, raw.sqlite3_bind_int64(insert, 9, c.TokensOut));
                        Check(db, raw.sqlite3_bind_int64(insert, 10, c.Estimated ? 1 : 0));
                        Check(db, raw.sqlite3_bind_int64(insert, 11, c.Partial ? 1 : 0));
                        Check(db, raw.sqlite3_bind_double(insert, 12, c.TtftMs));
                        Check(db, raw.sqlite3_bind_double(insert, 13, c.LatencyMs));
                        Check(db, raw.sqlite3_bind_int64(insert, 14, c.CostNano));
                        Check(db, raw.sqlite3_bind_int64(insert, 15, c.CommercialNano));
                        Check(db, raw.sqlite3_bind_int64(insert, 16, c.CreditNano));
                        Check(db, c.ContributorTenant is null ? raw.sqlite3_bind_null(insert, 17) : raw.sqlite3_bind_text(insert, 17, c.ContributorTenant));
                        Check(db, raw.sqlite3_bind_int64(insert, 18, c.CompletedAtMs));
                        Check(db, raw.sqlite3_bind_text(insert, 19, c.Day));
                        Check(db, raw.sqlite3_bind_text(insert, 20, c.Period));
                        var rc = raw.sqlite3_step(insert);
                        if (rc != raw.SQLITE_DONE)
                        {
                            Check(db, rc);
                        }

                        inserted += raw.sqlite3_changes(db);
                    }
                    finally
                    {
                        raw.sqlite3_reset(insert);
                        raw.sqlite3_clear_bindings(insert);
                    }
                }
            }

            transaction.Commit();
        }

        return inserted;
    }

    private void EnsureSchema(SqliteConnection? connection)
    {
        if (Volatile.Read(ref _ready))
        {
            return;
        }

        if (connection is not null)
        {
            SqliteStores.Execute(connection, SqliteStores.LedgerSchema);
        }
        else
        {
            using var ledger = SqliteStores.Open(options.LedgerPath, options.LedgerBusyTimeout);
            SqliteStores.Execute(ledger, SqliteStores.LedgerSchema);
        }

        Volatile.Write(ref _ready, true);
    }

    // Always synchronous=FULL: the outbox segments are deleted right after this commit, so it must be on disk first.
    private SqliteConnection FlushConnection() =>
        _flushLedger ??= SqliteStores.Open(options.LedgerPath, options.LedgerBusyTimeout, fsync: true);

    // The flusher moves up to a batch of records per transaction, several milliseconds of CPU on the router's core. It
    // offers the core to any runnable thread (a request that just woke) every few dozen rows, so a request waits for
    // at most that much of the burst rather than all of it.
    private static void YieldNowAndThen(int rows)
    {
        if (rows % 32 == 0)
        {
            Thread.Yield();
        }
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK && rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(db));
        }
    }
}
