using Daalu.Gateway.Metering;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daalu.Gateway.Tests;

/// <summary>
/// Entry point of this assembly when run as a child process (`dotnet exec Daalu.Gateway.Tests.dll crash-writer
/// &lt;ledger&gt; [fsync]`): it stands for a router under load, writing metering records from 8 concurrent callers with
/// the flusher running, and prints "ack &lt;request id&gt;" after each acknowledgement, until it is killed. "fsync" sets
/// <see cref="GatewayOptions.LedgerFsync"/>. Under the test runner this Main is never called.
/// </summary>
public static class CrashWriterProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["crash-writer", var ledgerPath, .. var rest])
        {
            return 0;
        }

        var options = new GatewayOptions
        {
            LedgerPath = ledgerPath,
            FlushInterval = TimeSpan.FromMilliseconds(20),
            LedgerFsync = rest.Contains("fsync", StringComparer.Ordinal),
        };
        var ledger = new SqliteLedger(options, NullLogger<SqliteLedger>.Instance);
        await ledger.StartAsync(CancellationToken.None);
        var output = Console.Out;
        var gate = new object();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var id = $"kill-{Interlocked.Increment(ref next)}";
                await ledger.RecordAsync(Calls.Hosted(id), CancellationToken.None);
                lock (gate)
                {
                    output.WriteLine($"ack {id}");
                    output.Flush();
                }
            }
        })));
        return 0;
    }
}
