using System.Diagnostics;
using Daalu.Gateway.Metering;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Daalu.Gateway.Tests;

public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    // Without fsync (the default) a process kill must lose nothing either: an acknowledged record's write has returned,
    // so it is in the OS page cache, which outlives the process. A write the kill cut short was never acknowledged.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RecordAsync_WriterSigkilledUnderLoad_EveryAcknowledgedRecordHasExactlyOneRowAfterRestart(bool fsync)
    {
        var ledgerPath = _dir.File("ledger.db");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "exec", typeof(CrashWriterProgram).Assembly.Location, "crash-writer", ledgerPath })
        {
            info.ArgumentList.Add(arg);
        }

        if (fsync)
        {
            info.ArgumentList.Add("fsync");
        }

        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        using (var child = Process.Start(info)!)
        {
            _ = child.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (acknowledged.Count < 400 && DateTime.UtcNow < deadline)
            {
                var line = await child.StandardOutput.ReadLineAsync();
                if (line is null)
                {
                    break;
                }

                if (line.StartsWith("ack ", StringComparison.Ordinal))
                {
                    acknowledged.Add(line[4..]);
                }
            }

            child.Kill(); // SIGKILL mid-load: no flush, no dispose
            await child.WaitForExitAsync();
        }

        Assert.True(acknowledged.Count >= 400, $"only {acknowledged.Count} acknowledgements before the deadline");

        await using var restarted = new SqliteLedger(new GatewayOptions { LedgerPath = ledgerPath }, NullLogger<SqliteLedger>.Instance);
        var pendingAtRestart = restarted.OutboxDepth();
        await restarted.StartAsync(CancellationToken.None);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var c = new SqliteConnection($"Data Source={ledgerPath};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT request_id, COUNT(*) FROM ledger GROUP BY request_id";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                counts[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        output.WriteLine($"fsync={fsync}: acknowledged {acknowledged.Count}, outbox records at restart {pendingAtRestart}, ledger rows {counts.Count}");
        Assert.All(acknowledged, id => Assert.Equal(1, counts.GetValueOrDefault(id))); // I1
        Assert.All(counts.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, restarted.OutboxDepth());
        await restarted.StopAsync(CancellationToken.None);
    }
}
