using Microsoft.Data.Sqlite;

namespace Daalu.Gateway.FunctionalTests.Infrastructure;

/// <summary>Reads routers' ledger tables directly (read-only; the routers may still be running in WAL mode).</summary>
public static class LedgerReader
{
    /// <summary>Every ledger row of every file (a missing file has none).</summary>
    public static IReadOnlyList<LedgerRow> Read(IEnumerable<string> ledgerPaths)
    {
        var rows = new List<LedgerRow>();
        foreach (var path in ledgerPaths.Distinct(StringComparer.Ordinal))
        {
            if (!File.Exists(path))
            {
                continue;
            }

            var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 10 }.ToString();
            using var c = new SqliteConnection(cs);
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT request_id, attempt, tenant, tier, backend, request_class, tokens_in, tokens_out, estimated, partial FROM ledger";
            try
            {
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    rows.Add(new LedgerRow(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8) != 0, r.GetInt64(9) != 0, path));
                }
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 1 && ex.Message.Contains("no such table", StringComparison.Ordinal))
            {
                // The router has not created its ledger yet.
            }
        }

        return rows;
    }

    /// <summary>Every row of the shared PostgreSQL ledger (none before a router created the table).</summary>
    public static IReadOnlyList<LedgerRow> ReadPostgres(string connectionString)
    {
        var rows = new List<LedgerRow>();
        using var c = new Npgsql.NpgsqlConnection(connectionString + ";Pooling=false");
        c.Open();
        using var cmd = new Npgsql.NpgsqlCommand("SELECT request_id, attempt, tenant, tier, backend, request_class, tokens_in, tokens_out, estimated, partial FROM ledger", c);
        try
        {
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rows.Add(new LedgerRow(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6), r.GetInt64(7), r.GetInt32(8) != 0, r.GetInt32(9) != 0, "postgres"));
            }
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == "42P01")
        {
            // undefined_table: no router has created the ledger yet.
        }

        return rows;
    }

    /// <summary>Waits until every id in <paramref name="requestIds"/> has a row (the outbox flusher runs about once a second).</summary>
    public static Task<IReadOnlyList<LedgerRow>> WaitForRowsAsync(IEnumerable<string> ledgerPaths, IReadOnlyCollection<string> requestIds, TimeSpan timeout)
    {
        var paths = ledgerPaths.ToList();
        return WaitForRowsAsync(() => Read(paths), requestIds, timeout);
    }

    /// <summary>Waits until every id in <paramref name="requestIds"/> has a row in what <paramref name="read"/> returns.</summary>
    public static async Task<IReadOnlyList<LedgerRow>> WaitForRowsAsync(Func<IReadOnlyList<LedgerRow>> read, IReadOnlyCollection<string> requestIds, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = read();
            var have = rows.Select(r => r.RequestId).ToHashSet(StringComparer.Ordinal);
            if (requestIds.All(have.Contains) || DateTime.UtcNow > deadline)
            {
                return rows;
            }

            await Task.Delay(100);
        }
    }
}
