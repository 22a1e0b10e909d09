using Daalu.Contracts.Usage;
using Daalu.Gateway.Metering;
using Daalu.Gateway.Usage;
using Npgsql;
using NpgsqlTypes;

namespace Daalu.Gateway.Postgres;

/// <summary>
/// The ledger shared by every router replica: one PostgreSQL table, unique on (request_id, attempt). Each replica
/// keeps its own durable outbox and flushes it here with <c>INSERT … ON CONFLICT (request_id, attempt) DO NOTHING</c>,
/// so a flush repeated after an outage, a restart or an ambiguous commit (the commit reached the server, the answer
/// did not) writes nothing twice (PostgreSQL docs, "INSERT … ON CONFLICT"). A batch is one statement over arrays
/// (<c>unnest</c>), one round trip per flush. The schema is created under a transaction-scoped advisory lock, so
/// replicas starting together do not race on CREATE TABLE IF NOT EXISTS (which is not safe under concurrency in
/// PostgreSQL: two sessions can both pass the check and one fails on the catalog's unique index).
/// Money and tokens are bigint; SUM over bigint is numeric in PostgreSQL, so sums are cast back to bigint. Text is
/// ordered with the "C" collation, byte order as in SQLite, whatever locale the database was created with.
/// </summary>
public sealed class PostgresLedgerStore : ILedgerStore
{
    // Any fixed 64-bit key: the lock only serialises schema creation between replicas.
    private const long SchemaLockKey = 0x_DAA1_0001_1ED6;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS ledger(
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            request_id text NOT NULL,
            attempt integer NOT NULL,
            tenant text NOT NULL,
            tier text NOT NULL,
            backend text NOT NULL,
            model text NOT NULL,
            request_class text NOT NULL,
            tokens_in bigint NOT NULL,
            tokens_out bigint NOT NULL,
            estimated integer NOT NULL,
            partial integer NOT NULL,
            ttft_ms double precision NOT NULL,
            latency_ms double precision NOT NULL,
            cost_nano bigint NOT NULL,
            commercial_nano bigint NOT NULL,
            credit_nano bigint NOT NULL,
            contributor_tenant text NULL,
            completed_at_ms bigint NOT NULL,
            day text NOT NULL,
            period text NOT NULL,
            UNIQUE(request_id, attempt));
        CREATE INDEX IF NOT EXISTS ix_ledger_tenant_day ON ledger(tenant, day);
        CREATE INDEX IF NOT EXISTS ix_ledger_tenant_period ON ledger(tenant, period, tier);
        CREATE INDEX IF NOT EXISTS ix_ledger_contributor_day ON ledger(contributor_tenant, day);
        """;

    private const string InsertSql = """
        INSERT INTO ledger(request_id, attempt, tenant, tier, backend, model, request_class, tokens_in, tokens_out,
            estimated, partial, ttft_ms, latency_ms, cost_nano, commercial_nano, credit_nano, contributor_tenant,
            completed_at_ms, day, period)
        SELECT * FROM unnest(@r, @a, @t, @tier, @b, @m, @c, @ti, @to, @e, @p, @ttft, @lat, @cost, @com, @cred, @contrib, @done, @day, @period)
        ON CONFLICT (request_id, attempt) DO NOTHING
        """;

    private readonly NpgsqlDataSource _source;
    private bool _ready;

    /// <summary>Creates the store; connects on first use.</summary>
    /// <param name="connectionString">An Npgsql connection string or a postgresql:// URI (<see cref="PostgresConnectionString"/>).</param>
    public PostgresLedgerStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(PostgresConnectionString.Normalize(connectionString));
        builder.ConnectionStringBuilder.ApplicationName ??= "daalu-router";
        _source = builder.Build();
    }

    /// <inheritdoc />
    public string Kind => "postgres";

    /// <inheritdoc />
    public void EnsureSchema()
    {
        if (Volatile.Read(ref _ready))
        {
            return;
        }

        using var connection = _source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", connection, transaction))
        {
            command.Parameters.AddWithValue("k", SchemaLockKey);
            command.ExecuteNonQuery();
        }

        using (var command = new NpgsqlCommand(Schema, connection, transaction))
        {
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        Volatile.Write(ref _ready, true);
    }

    /// <inheritdoc />
    public int Insert(IReadOnlyList<PricedCall> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return 0;
        }

        EnsureSchema();
        using var connection = _source.OpenConnection();
        using var command = new NpgsqlCommand(InsertSql, connection);
        var p = command.Parameters;
        p.Add(Array("r", NpgsqlDbType.Text, rows, c => c.RequestId));
        p.Add(Array("a", NpgsqlDbType.Integer, rows, c => c.Attempt));
        p.Add(Array("t", NpgsqlDbType.Text, rows, c => c.Tenant));
        p.Add(Array("tier", NpgsqlDbType.Text, rows, c => c.Tier));
        p.Add(Array("b", NpgsqlDbType.Text, rows, c => c.Backend));
        p.Add(Array("m", NpgsqlDbType.Text, rows, c => c.Model));
        p.Add(Array("c", NpgsqlDbType.Text, rows, c => c.RequestClass));
        p.Add(Array("ti", NpgsqlDbType.Bigint, rows, c => c.TokensIn));
        p.Add(Array("to", NpgsqlDbType.Bigint, rows, c => c.TokensOut));
        p.Add(Array("e", NpgsqlDbType.Integer, rows, c => c.Estimated ? 1 : 0));
        p.Add(Array("p", NpgsqlDbType.Integer, rows, c => c.Partial ? 1 : 0));
        p.Add(Array("ttft", NpgsqlDbType.Double, rows, c => c.TtftMs));
        p.Add(Array("lat", NpgsqlDbType.Double, rows, c => c.LatencyMs));
        p.Add(Array("cost", NpgsqlDbType.Bigint, rows, c => c.CostNano));
        p.Add(Array("com", NpgsqlDbType.Bigint, rows, c => c.CommercialNano));
        p.Add(Array("cred", NpgsqlDbType.Bigint, rows, c => c.CreditNano));
        p.Add(Array("contrib", NpgsqlDbType.Text, rows, c => c.ContributorTenant));
        p.Add(Array("done", NpgsqlDbType.Bigint, rows, c => c.CompletedAtMs));
        p.Add(Array("day", NpgsqlDbType.Text, rows, c => c.Day));
        p.Add(Array("period", NpgsqlDbType.Text, rows, c => c.Period));

        // One statement is one transaction (autocommit): every row of the batch is in, or none.
        return command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public void ResetConnection() => _source.Clear();

    /// <inheritdoc />
    public long HostedTokensSpent(string tenant, string period, IReadOnlyList<(string RequestId, int Attempt, long Tokens)> waiting)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        EnsureSchema();
        using var connection = _source.OpenConnection();

        // One snapshot for the sum and the checks (REPEATABLE READ in PostgreSQL is snapshot isolation).
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        long spent;
        using (var command = new NpgsqlCommand(
            "SELECT COALESCE(SUM(tokens_in + tokens_out), 0)::bigint FROM ledger WHERE tenant = @t AND period = @p AND tier = 'Hosted'",
            connection, transaction))
        {
            command.Parameters.AddWithValue("t", tenant);
            command.Parameters.AddWithValue("p", period);
            spent = (long)command.ExecuteScalar()!;
        }

        if (waiting.Count > 0)
        {
            var present = new HashSet<(string, int)>();
            using var command = new NpgsqlCommand("SELECT request_id, attempt FROM ledger WHERE request_id = ANY(@ids)", connection, transaction);
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = waiting.Select(w => w.RequestId).Distinct(StringComparer.Ordinal).ToArray() });
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    present.Add((reader.GetString(0), reader.GetInt32(1)));
                }
            }

            spent += waiting.Where(w => !present.Contains((w.RequestId, w.Attempt))).Sum(w => w.Tokens);
        }

        transaction.Commit();
        return spent;
    }

    /// <inheritdoc />
    public List<UsageRow> ReadRows(string? scope, string fromDay, string toDay)
    {
        EnsureSchema();
        var tenant = scope is null ? "tenant" : "NULL::text";
        var groupTenant = scope is null ? "tenant, " : string.Empty;
        var orderTenant = scope is null ? "tenant COLLATE \"C\", " : string.Empty;
        using var connection = _source.OpenConnection();
        using var command = new NpgsqlCommand($"""
            SELECT day, {tenant}, tier, request_class, COUNT(*), SUM(tokens_in)::bigint, SUM(tokens_out)::bigint,
                   SUM(cost_nano)::bigint, SUM(commercial_nano)::bigint, SUM(estimated)::bigint, SUM(partial)::bigint
            FROM ledger
            WHERE day >= @from AND day <= @to {(scope is null ? string.Empty : "AND tenant = @tenant")}
            GROUP BY day, {groupTenant}tier, request_class
            ORDER BY day, {orderTenant}tier COLLATE "C", request_class COLLATE "C"
            """, connection);
        LedgerQueryResults.BindDayRange(command, "", fromDay, toDay, scope);

        using var reader = command.ExecuteReader();
        return LedgerQueryResults.UsageRows(reader);
    }

    /// <inheritdoc />
    public ProviderCredits ReadCredits(string? scope, string fromDay, string toDay, bool includeContributor)
    {
        EnsureSchema();
        var contributor = includeContributor ? "contributor_tenant" : "NULL::text";
        var groupContributor = includeContributor ? "contributor_tenant, " : string.Empty;
        var orderContributor = includeContributor ? "contributor_tenant COLLATE \"C\", " : string.Empty;
        using var connection = _source.OpenConnection();
        using var command = new NpgsqlCommand($"""
            SELECT day, {contributor}, backend, COUNT(*), SUM(tokens_in + tokens_out)::bigint, SUM(credit_nano)::bigint
            FROM ledger
            WHERE contributor_tenant IS NOT NULL AND day >= @from AND day <= @to
                  {(scope is null ? string.Empty : "AND contributor_tenant = @tenant")}
            GROUP BY day, {groupContributor}backend
            ORDER BY day, {orderContributor}backend COLLATE "C"
            """, connection);
        LedgerQueryResults.BindDayRange(command, "", fromDay, toDay, scope);

        using var reader = command.ExecuteReader();
        return LedgerQueryResults.Credits(reader);
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Contributor, long CreditNano)> CreditTotals()
    {
        EnsureSchema();
        var result = new List<(string, long)>();
        using var connection = _source.OpenConnection();
        using var command = new NpgsqlCommand("""
            SELECT contributor_tenant, SUM(credit_nano)::bigint FROM ledger
            WHERE contributor_tenant IS NOT NULL GROUP BY contributor_tenant ORDER BY contributor_tenant COLLATE "C"
            """, connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _source.Dispose();

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, IReadOnlyList<PricedCall> rows, Func<PricedCall, T> value) =>
        new(name, NpgsqlDbType.Array | type) { Value = rows.Select(value).ToArray() };
}
