using Microsoft.Data.Sqlite;

namespace Daalu.Gateway.Metering;

/// <summary>Connection and schema helpers shared by the ledger writer and the usage queries.</summary>
internal static class SqliteStores
{
    public const string LedgerSchema = """
        CREATE TABLE IF NOT EXISTS ledger(
            id INTEGER PRIMARY KEY,
            request_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            tenant TEXT NOT NULL,
            tier TEXT NOT NULL,
            backend TEXT NOT NULL,
            model TEXT NOT NULL,
            request_class TEXT NOT NULL,
            tokens_in INTEGER NOT NULL,
            tokens_out INTEGER NOT NULL,
            estimated INTEGER NOT NULL,
            partial INTEGER NOT NULL,
            ttft_ms REAL NOT NULL,
            latency_ms REAL NOT NULL,
            cost_nano INTEGER NOT NULL,
            commercial_nano INTEGER NOT NULL,
            credit_nano INTEGER NOT NULL,
            contributor_tenant TEXT NULL,
            completed_at_ms INTEGER NOT NULL,
            day TEXT NOT NULL,
            period TEXT NOT NULL,
            UNIQUE(request_id, attempt));
        CREATE INDEX IF NOT EXISTS ix_ledger_tenant_day ON ledger(tenant, day);
        CREATE INDEX IF NOT EXISTS ix_ledger_tenant_period ON ledger(tenant, period, tier);
        CREATE INDEX IF NOT EXISTS ix_ledger_contributor_day ON ledger(contributor_tenant, day);
        """;

    /// <summary>
    /// Opens a connection. Writable connections use WAL; <paramref name="fsync"/> chooses synchronous=FULL (a commit
    /// is on disk when Commit returns) over synchronous=NORMAL (a commit is in the OS page cache when Commit returns:
    /// it survives a process crash, not an OS crash or power loss).
    /// </summary>
    public static SqliteConnection Open(string path, TimeSpan busyTimeout, bool readOnly = false, bool fsync = true)
    {
        var full = Path.GetFullPath(path);
        if (!readOnly)
        {
            var dir = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout={(long)busyTimeout.TotalMilliseconds};"));
            if (!readOnly)
            {
                Execute(connection, fsync
                    ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                    : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}
