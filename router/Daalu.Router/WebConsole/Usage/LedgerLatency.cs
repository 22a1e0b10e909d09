using Microsoft.Data.Sqlite;

namespace Daalu.Router.WebConsole.Usage;

/// <summary>
/// The one figure the usage API does not carry: mean latency (and TTFT) of a tenant's calls, read read-only from the
/// same SQLite ledger the usage API reads (columns day, tenant, latency_ms, ttft_ms of its <c>ledger</c> table).
/// </summary>
internal static class LedgerLatency
{
    public static LatencySummary Read(string ledgerPath, string? tenant, string fromDay, string toDay)
    {
        var full = Path.GetFullPath(ledgerPath);
        if (!File.Exists(full))
        {
            return new LatencySummary(0, null, null);
        }

        var builder = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 5 };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = tenant is null
            ? "SELECT COUNT(*), AVG(latency_ms), AVG(ttft_ms) FROM ledger WHERE day >= $from AND day <= $to"
            : "SELECT COUNT(*), AVG(latency_ms), AVG(ttft_ms) FROM ledger WHERE day >= $from AND day <= $to AND tenant = $tenant";
        command.Parameters.AddWithValue("$from", fromDay);
        command.Parameters.AddWithValue("$to", toDay);
        if (tenant is not null)
        {
            command.Parameters.AddWithValue("$tenant", tenant);
        }

        using var reader = command.ExecuteReader();
        reader.Read();
        var calls = reader.GetInt64(0);
        return new LatencySummary(calls, reader.IsDBNull(1) ? null : Math.Round(reader.GetDouble(1), 1), reader.IsDBNull(2) ? null : Math.Round(reader.GetDouble(2), 1));
    }
}
