using System.Buffers;
using System.Text.Json;
using Daalu.Gateway.Metering;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Daalu.Gateway.Tests;

/// <summary>
/// The outbox segment log on disk: what a crash, damage, a failed write or an older version's SQLite outbox leaves,
/// and that every acknowledged record still reaches the ledger exactly once. The torn-tail and corrupt-segment
/// counters are process-wide, so the tests that read them live in this one class (xunit runs a class's tests in turn).
/// </summary>
public sealed class OutboxRecoveryTests : IDisposable
{
    private readonly TempDir _dir = new();

    private GatewayOptions Options(bool fsync = false) => new()
    {
        LedgerPath = _dir.File("ledger.db"),
        FlushInterval = TimeSpan.FromMilliseconds(100),
        LedgerFsync = fsync,
    };

    private static SqliteLedger Open(GatewayOptions options) => new(options, NullLogger<SqliteLedger>.Instance);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    // Two processes appending to one segment would interleave their records: the second owner is refused at start with
    // a message that says why, and the outbox is free again once the first one is disposed.
    [Fact]
    public async Task Open_OutboxAlreadyOwned_RefusedUntilTheOwnerIsDisposed()
    {
        var options = Options();
        await using (var owner = Open(options))
        {
            await owner.RecordAsync(Calls.Hosted("owned"), CancellationToken.None);
            var refused = Assert.Throws<IOException>(() => Open(options));
            Assert.Contains("in use by another process", refused.Message, StringComparison.Ordinal);
        }

        await using var next = Open(options);
        Assert.Equal(1, next.OutboxDepth());
    }

    // A crash cuts the write of a record that was never acknowledged; the records before it were, and all of them
    // reach the ledger once. Cut inside the record's header and inside its payload.
    [Theory]
    [InlineData(3)]
    [InlineData(0.5)]
    public async Task Start_SegmentEndsInACutWrite_AcknowledgedRecordsFlushedOnceCutRecordSkipped(double keep)
    {
        var options = Options();
        await using (var ledger = Open(options))
        {
            for (var i = 0; i < 10; i++)
            {
                await ledger.RecordAsync(Calls.Hosted($"req-{i}"), CancellationToken.None);
            }
        }

        var segment = Assert.Single(Segments(options));
        var record = Frame(LedgerPricing.Price(Calls.Hosted("cut")));
        var kept = keep >= 1 ? (int)keep : (int)(record.Length * keep);
        await using (var file = new FileStream(segment.FullName, FileMode.Append))
        {
            file.Write(record, 0, kept);
        }

        var torn = GatewayMetrics.OutboxTornTails.Value;
        await using (var reopened = Open(options))
        {
            Assert.Equal(10, reopened.OutboxDepth());
            await reopened.StartAsync(CancellationToken.None);
            Assert.Equal(0, reopened.OutboxDepth());
            await reopened.StopAsync(CancellationToken.None);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"req-{i}").Order(StringComparer.Ordinal), LedgerIds().Order(StringComparer.Ordinal));
        Assert.Equal(torn + 1, GatewayMetrics.OutboxTornTails.Value);
        Assert.Empty(Segments(options));
    }

    // Damage in the middle of a segment is not a crash: the file is kept for an operator, the records before the
    // damage and every other segment still reach the ledger, and the error is counted.
    [Fact]
    public async Task Start_DamagedRecordMidSegment_KeptAsCorruptOtherSegmentsFlushed()
    {
        var options = Options();
        await using (var first = Open(options))
        {
            for (var i = 0; i < 5; i++)
            {
                await first.RecordAsync(Calls.Hosted($"a-{i}"), CancellationToken.None);
            }
        }

        await using (var second = Open(options))
        {
            for (var i = 0; i < 5; i++)
            {
                await second.RecordAsync(Calls.Hosted($"b-{i}"), CancellationToken.None);
            }
        }

        var segments = Segments(options);
        Assert.Equal(2, segments.Count);
        var damaged = File.ReadAllBytes(segments[0].FullName);
        var frames = new List<Range>();
        OutboxFormat.Scan(damaged, frames);
        damaged[frames[2].Start.Value + 10] ^= 0x55; // a byte of a-2's payload
        File.WriteAllBytes(segments[0].FullName, damaged);

        var corrupt = GatewayMetrics.OutboxCorruptSegments.Value;
        await using (var reopened = Open(options))
        {
            await reopened.StartAsync(CancellationToken.None);
            Assert.Equal(0, reopened.OutboxDepth());

            // New records go to a segment of their own, never into or over the kept file.
            await reopened.RecordAsync(Calls.Hosted("c-0"), CancellationToken.None);
            await reopened.FlushAsync();
            await reopened.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["a-0", "a-1", "b-0", "b-1", "b-2", "b-3", "b-4", "c-0"], LedgerIds().Order(StringComparer.Ordinal));
        Assert.Equal(corrupt + 1, GatewayMetrics.OutboxCorruptSegments.Value);
        Assert.Empty(Segments(options));
        Assert.Equal(damaged, File.ReadAllBytes(segments[0].FullName + ".corrupt"));
    }

    // A router upgraded in place finds the old SQLite outbox with rows in it: a retried record, and a row whose ledger
    // commit made it before the crash that kept it from being deleted.
    [Fact]
    public async Task Start_LegacySqliteOutbox_DrainedIntoLedgerExactlyOnceThenDeleted()
    {
        var options = Options();
        await using (var ledger = Open(options))
        {
            await ledger.RecordAsync(Calls.Hosted("old-0"), CancellationToken.None);
            await ledger.FlushAsync();
        }

        Assert.False(File.Exists(options.EffectiveOutboxPath));
        WriteLegacyOutbox(options.EffectiveOutboxPath, ["old-0", "old-1", "old-2", "old-2", "old-3"]);

        await using (var upgraded = Open(options))
        {
            Assert.Equal(5, upgraded.OutboxDepth());
            Assert.Equal(4 * 1500, upgraded.HostedTokensSpent("acme", "2026-11")); // each (request id, attempt) once
            await upgraded.RecordAsync(Calls.Hosted("new-0"), CancellationToken.None);
            await upgraded.StartAsync(CancellationToken.None);
            Assert.Equal(0, upgraded.OutboxDepth());
            Assert.Equal(5 * 1500, upgraded.HostedTokensSpent("acme", "2026-11"));
            await upgraded.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["new-0", "old-0", "old-1", "old-2", "old-3"], LedgerIds().Order(StringComparer.Ordinal));
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            Assert.False(File.Exists(options.EffectiveOutboxPath + suffix), $"legacy outbox{suffix} still there");
        }

        await using (var again = Open(options))
        {
            Assert.Equal(0, await again.FlushAsync());
        }

        Assert.Equal(5, LedgerIds().Count);
    }

    // A write that fails part way (a full disk) fails exactly its callers; the partial bytes are cut off, so the
    // records after it land, in this run and after a restart.
    [Fact]
    public async Task RecordAsync_WriteFailsPartWay_ThoseCallersFailLaterRecordsLand()
    {
        var options = Options();
        await using (var ledger = Open(options))
        {
            await ledger.RecordAsync(Calls.Hosted("before"), CancellationToken.None);
            ledger.WriteToSegment = HalfThenFull;
            var failed = await Assert.ThrowsAsync<InvalidOperationException>(async () => await ledger.RecordAsync(Calls.Hosted("failed"), CancellationToken.None));
            Assert.IsType<IOException>(failed.InnerException);
            ledger.WriteToSegment = RandomAccess.Write;
            await ledger.RecordAsync(Calls.Hosted("after"), CancellationToken.None);
            Assert.Equal(2, ledger.OutboxDepth());

            // The failed bytes were cut off: the segment holds exactly the record written before the failure.
            var first = Segments(options)[0];
            var scan = OutboxFormat.Scan(File.ReadAllBytes(first.FullName));
            Assert.Equal(new SegmentScan(SegmentState.Clean, 1, (int)first.Length, 0), scan);
        }

        var torn = GatewayMetrics.OutboxTornTails.Value;
        var corrupt = GatewayMetrics.OutboxCorruptSegments.Value;
        await using (var restarted = Open(options))
        {
            Assert.Equal(2, restarted.OutboxDepth());
            await restarted.StartAsync(CancellationToken.None);
            await restarted.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["after", "before"], LedgerIds().Order(StringComparer.Ordinal));
        Assert.Equal(torn, GatewayMetrics.OutboxTornTails.Value);
        Assert.Equal(corrupt, GatewayMetrics.OutboxCorruptSegments.Value);
    }

    // Under load the failed commit holds many callers' records: each caller either failed or has exactly one row.
    [Fact]
    public async Task RecordAsync_GroupCommitFails_FailedCallersHaveNoRowAcknowledgedOnesExactlyOne()
    {
        var calls = new CallsInFlight();
        for (var i = 0; i < 32; i++)
        {
            calls.Started();
        }

        var options = Options();
        var failures = 0;
        await using (var ledger = new SqliteLedger(options, NullLogger<SqliteLedger>.Instance, calls))
        {
            await ledger.RecordAsync(Calls.Hosted("warm"), CancellationToken.None);
            ledger.WriteToSegment = (handle, data, offset) =>
            {
                // The first commit after this point fails part way; the rest go through.
                if (Interlocked.Increment(ref failures) == 1)
                {
                    HalfThenFull(handle, data, offset);
                }

                RandomAccess.Write(handle, data, offset);
            };
            var pending = Enumerable.Range(0, 100)
                .Select(i => (Id: $"req-{i}", Task: ledger.RecordAsync(Calls.Hosted($"req-{i}"), CancellationToken.None).AsTask()))
                .ToList();
            try
            {
                await Task.WhenAll(pending.Select(p => p.Task)).WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (InvalidOperationException)
            {
                // Some callers were told their record failed; checked one by one below.
            }

            var acknowledged = pending.Where(p => p.Task.IsCompletedSuccessfully).Select(p => p.Id).Append("warm").ToList();
            Assert.Contains(pending, p => p.Task.IsFaulted);
            Assert.All(pending, p => Assert.True(p.Task.IsCompletedSuccessfully || p.Task.Exception?.InnerException is InvalidOperationException));
            await ledger.FlushAsync();
            Assert.Equal(acknowledged.Order(StringComparer.Ordinal), LedgerIds().Order(StringComparer.Ordinal));
            Assert.Equal(0, ledger.OutboxDepth());
        }
    }

    // A real full disk, not a seam: the next segment's name is a link to /dev/full, where every write fails with ENOSPC.
    [SkippableFact]
    public async Task RecordAsync_SegmentOnAFullDevice_FailsThatCallerNextSegmentTakesLaterRecords()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/dev/full"), "needs /dev/full");
        var options = Options();
        await using var ledger = Open(options);
        await ledger.RecordAsync(Calls.Hosted("before"), CancellationToken.None);
        var first = Assert.Single(Segments(options));
        await ledger.FlushAsync(); // seals and deletes the first segment; the next commit opens the one after it
        var next = first.FullName.Replace(".0000000000000001.log", ".0000000000000002.log", StringComparison.Ordinal);
        File.CreateSymbolicLink(next, "/dev/full");

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(async () => await ledger.RecordAsync(Calls.Hosted("failed"), CancellationToken.None));
        Assert.Contains("space", failed.InnerException!.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(next) || new FileInfo(next).LinkTarget is not null, "the failed segment was not removed");
        await ledger.RecordAsync(Calls.Hosted("after"), CancellationToken.None);
        await ledger.FlushAsync();
        Assert.Equal(["after", "before"], LedgerIds().Order(StringComparer.Ordinal));
        Assert.Equal(0, ledger.OutboxDepth());
    }

    // With fsync each commit (and each new segment's directory entry) is synced before acknowledgement; what is
    // acknowledged is on disk for a restart that never saw a flush.
    [Fact]
    public async Task RecordAsync_WithFsync_AcknowledgedRecordsReadBackAfterReopen()
    {
        var options = Options(fsync: true);
        await using (var ledger = Open(options))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, 50), new ParallelOptions { MaxDegreeOfParallelism = 8 },
                async (i, ct) => await ledger.RecordAsync(Calls.Hosted($"req-{i}"), ct));
            Assert.InRange(ledger.OutboxCommits, 1, 50);
        }

        await using (var reopened = Open(options))
        {
            Assert.Equal(50, reopened.OutboxDepth());
            await reopened.StartAsync(CancellationToken.None);
            await reopened.StopAsync(CancellationToken.None);
        }

        Assert.Equal(50, LedgerIds().Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(50, LedgerIds().Count);
    }

    // Half the commit reaches the file, then the device reports it full.
    private static void HalfThenFull(SafeFileHandle handle, ReadOnlySpan<byte> data, long offset)
    {
        RandomAccess.Write(handle, data[..(data.Length / 2)], offset);
        throw new IOException("No space left on device");
    }

    private static byte[] Frame(PricedCall call)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer);
        OutboxFormat.AppendRecord(buffer, json, call);
        return buffer.WrittenSpan.ToArray();
    }

    // The outbox table as versions before the segment log wrote it (WAL, payload as JSON text).
    private static void WriteLegacyOutbox(string path, string[] ids)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE outbox(seq INTEGER PRIMARY KEY, request_id TEXT NOT NULL, attempt INTEGER NOT NULL, payload TEXT NOT NULL);
            """;
        cmd.ExecuteNonQuery();
        cmd.CommandText = "INSERT INTO outbox(request_id, attempt, payload) VALUES($r, 1, $p)";
        var r = cmd.Parameters.Add("$r", SqliteType.Text);
        var p = cmd.Parameters.Add("$p", SqliteType.Text);
        foreach (var id in ids)
        {
            r.Value = id;
            p.Value = JsonSerializer.Serialize(LedgerPricing.Price(Calls.Hosted(id)), MeteringJsonContext.Default.PricedCall);
            cmd.ExecuteNonQuery();
        }
    }

    private static List<FileInfo> Segments(GatewayOptions options) =>
        new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(options.EffectiveOutboxPath))!)
            .GetFiles(Path.GetFileName(options.EffectiveOutboxPath) + ".*.log").OrderBy(f => f.Name, StringComparer.Ordinal).ToList();

    private List<string> LedgerIds()
    {
        using var c = new SqliteConnection($"Data Source={_dir.File("ledger.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT request_id FROM ledger";
        using var reader = cmd.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
