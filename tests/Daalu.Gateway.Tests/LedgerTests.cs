using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Daalu.Gateway.Usage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Gateway.Tests;

public sealed class LedgerTests : IDisposable
{
    private readonly TempDir _dir = new();

    private GatewayOptions Options(TimeSpan? busy = null) => new()
    {
        LedgerPath = _dir.File("ledger.db"),
        LedgerBusyTimeout = busy ?? TimeSpan.FromSeconds(2),
        FlushInterval = TimeSpan.FromMilliseconds(100),
    };

    private SqliteLedger Open(GatewayOptions? options = null) => new(options ?? Options(), NullLogger<SqliteLedger>.Instance);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task RecordAsync_ThenFlush_WritesOnePricedRow()
    {
        await using var ledger = Open();
        await ledger.RecordAsync(Calls.Hosted("req-1", contributor: "lender", share: 50), CancellationToken.None);
        Assert.Equal(1, ledger.OutboxDepth());
        Assert.Equal(1, await ledger.FlushAsync());
        Assert.Equal(0, ledger.OutboxDepth());
        var rows = Rows();
        var row = Assert.Single(rows);
        Assert.Equal(("req-1", 1L, "acme", "Hosted", 1000L, 500L, 500_000L, 250_000L, "lender"),
            (row.RequestId, row.Attempt, row.Tenant, row.Tier, row.TokensIn, row.TokensOut, row.Cost, row.Credit, row.Contributor));
    }

    // The flusher seals and deletes segments while writers group-commit into new ones; both durability modes.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RecordAsync_ConcurrentCallersWhileFlushing_EveryRecordExactlyOnce(bool fsync)
    {
        var options = Options();
        options.LedgerFsync = fsync;
        await using var ledger = Open(options);
        await ledger.StartAsync(CancellationToken.None);
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await ledger.RecordAsync(Calls.Hosted($"w{w}-{i}"), CancellationToken.None);
            }
        }));
        var flushes = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await ledger.FlushAsync();
                await Task.Delay(5);
            }
        });
        await Task.WhenAll(writers.Append(flushes));
        await ledger.FlushAsync();

        var rows = Rows();
        Assert.Equal(400, rows.Count);
        Assert.Equal(400, rows.Select(r => r.RequestId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(0, ledger.OutboxDepth());
        await ledger.StopAsync(CancellationToken.None);
    }

    // A lone caller commits on its own thread: no hand-off to a writer thread on the request path.
    [Fact]
    public async Task RecordAsync_NoOtherCaller_IsAcknowledgedBeforeItReturns()
    {
        await using var ledger = Open();
        var pending = ledger.RecordAsync(Calls.Hosted("req-1"), CancellationToken.None);
        Assert.True(pending.IsCompletedSuccessfully);
        await pending;
        Assert.Equal(1, ledger.OutboxDepth());
    }

    // One other call in flight is not worth a hand-off: the record still commits on its caller's thread.
    [Fact]
    public async Task RecordAsync_TwoCallsInFlight_IsAcknowledgedBeforeItReturns()
    {
        var calls = new CallsInFlight();
        calls.Started();
        calls.Started();
        await using var ledger = new SqliteLedger(Options(), NullLogger<SqliteLedger>.Instance, calls);
        var pending = ledger.RecordAsync(Calls.Hosted("req-1"), CancellationToken.None);
        Assert.True(pending.IsCompletedSuccessfully);
        await pending;
        Assert.Equal(1, ledger.OutboxCommits);
    }

    // Under load the commit is handed off, and the records of calls finishing meanwhile share it; each is still
    // acknowledged only once committed, and written exactly once.
    [Fact]
    public async Task RecordAsync_ManyCallsInFlight_RecordsShareCommitsExactlyOnce()
    {
        var calls = new CallsInFlight();
        for (var i = 0; i < 32; i++)
        {
            calls.Started();
        }

        await using var ledger = new SqliteLedger(Options(), NullLogger<SqliteLedger>.Instance, calls);
        var pending = new List<Task>();
        for (var i = 0; i < 200; i++)
        {
            pending.Add(ledger.RecordAsync(Calls.Hosted($"req-{i}"), CancellationToken.None).AsTask());
        }

        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(200, ledger.OutboxDepth());
        Assert.InRange(ledger.OutboxCommits, 1, 199);
        await ledger.FlushAsync();
        var rows = Rows();
        Assert.Equal(200, rows.Count);
        Assert.Equal(200, rows.Select(r => r.RequestId).Distinct(StringComparer.Ordinal).Count());
    }

    // Callers that find the outbox lock held (by another caller's commit or by the flusher's seal) leave their record
    // queued for the holder; none may be stranded. A tight flush loop makes the seal take the lock often, and with a
    // single caller there is no next caller to pick up a record the lock holder left behind.
    [Fact]
    public async Task RecordAsync_CallerRacingTheFlushersDeletes_IsNotStranded()
    {
        var options = Options();
        options.LedgerFsync = true;
        await using var ledger = Open(options);
        using var stop = new CancellationTokenSource();
        var flusher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await ledger.FlushAsync();
            }
        });
        var writers = Enumerable.Range(0, 1).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 400; i++)
            {
                await ledger.RecordAsync(Calls.Hosted($"w{w}-{i}"), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await flusher;
        await ledger.FlushAsync();

        var rows = Rows();
        Assert.Equal(400, rows.Select(r => r.RequestId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(400, rows.Count);
    }

    // Each flush seals the segment being written and deletes it once its records are in the ledger, so the outbox
    // holds only what came since the last flush instead of growing with every call.
    [Fact]
    public async Task RecordAsync_ManyCallsWithFlushes_OutboxKeepsOneSmallSegment()
    {
        var options = Options();
        await using var ledger = Open(options);
        for (var i = 0; i < 3000; i++)
        {
            await ledger.RecordAsync(Calls.Hosted($"req-{i}"), CancellationToken.None);
            if (i % 100 == 99)
            {
                await ledger.FlushAsync();
            }
        }

        await ledger.FlushAsync();
        await ledger.RecordAsync(Calls.Hosted("req-last"), CancellationToken.None); // starts a new segment
        var segments = Segments(options);
        var segment = Assert.Single(segments);
        Assert.True(segment.Length < 4096, $"outbox segment is {segment.Length} bytes holding 1 record after 3,001 calls");
        Assert.Equal(1, ledger.OutboxDepth());
        Assert.Equal(3000, Rows().Count);
    }

    // The flusher takes a segment this process wrote from the records it kept, not from the file: the file is only for
    // a restart. Overwriting the file before the flush proves which one it read (read back, zeros are a torn segment
    // with no records), and the rows are column for column those a restart makes from the same records on disk.
    [Fact]
    public async Task Flush_SegmentThisProcessWrote_InsertsTheKeptRecordsWithoutReadingTheFile()
    {
        CallRecord[] records = [Calls.Hosted("req-1", contributor: "lender", share: 50), Calls.Hosted("req-2", tokensOut: 7, requestClass: "coding")];
        var options = Options();
        await using (var ledger = Open(options))
        {
            foreach (var r in records)
            {
                await ledger.RecordAsync(r, CancellationToken.None);
            }

            Assert.Equal(2, ledger.KeptRecords);
            var segment = Assert.Single(Segments(options));
            File.WriteAllBytes(segment.FullName, new byte[segment.Length]);
            var torn = GatewayMetrics.OutboxTornTails.Value;

            Assert.Equal(2, await ledger.FlushAsync());

            Assert.Equal(torn, GatewayMetrics.OutboxTornTails.Value);
            Assert.Equal(0, ledger.KeptRecords);
            Assert.Empty(Segments(options));
        }

        using var other = new TempDir();
        var fromDisk = new GatewayOptions { LedgerPath = other.File("ledger.db"), FlushInterval = TimeSpan.FromMilliseconds(100) };
        var writer = Open(fromDisk);
        foreach (var r in records)
        {
            await writer.RecordAsync(r, CancellationToken.None);
        }

        await writer.DisposeAsync(); // no flush: the records stay on disk
        await using (var restarted = Open(fromDisk))
        {
            Assert.Equal(2, await restarted.FlushAsync());
        }

        var kept = AllColumns(options.LedgerPath);
        Assert.Equal(2, kept.Count);
        Assert.Equal(AllColumns(fromDisk.LedgerPath), kept);
    }

    // Memory is bounded when the outbox grows (a ledger down for a while): past MaxKeptRecords the segment lets its
    // records go and the flush reads them back from disk, each exactly once.
    [Fact]
    public async Task RecordAsync_MoreRecordsThanKept_SegmentReadBackFromDiskExactlyOnce()
    {
        const int n = SqliteLedger.MaxKeptRecords + 300;
        await using var ledger = Open();
        var most = 0;
        for (var i = 0; i < n; i++)
        {
            await ledger.RecordAsync(Calls.Hosted($"req-{i}"), CancellationToken.None);
            most = Math.Max(most, ledger.KeptRecords);
        }

        Assert.Equal(SqliteLedger.MaxKeptRecords, most);
        Assert.Equal(0, ledger.KeptRecords);
        Assert.Equal(n, await ledger.FlushAsync());
        var rows = Rows();
        Assert.Equal(n, rows.Count);
        Assert.Equal(n, rows.Select(r => r.RequestId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(0, ledger.OutboxDepth());
    }

    [Fact]
    public async Task RecordAsync_SameRequestAndAttemptTwice_SecondIsRefusedNotDuplicated()
    {
        await using (var ledger = Open())
        {
            await ledger.RecordAsync(Calls.Hosted("req-1"), CancellationToken.None);
            await ledger.RecordAsync(Calls.Hosted("req-1"), CancellationToken.None); // retried ambiguous write, same flush
            await ledger.FlushAsync();
            await ledger.RecordAsync(Calls.Hosted("req-1", tokensOut: 9999), CancellationToken.None); // retried later
            await ledger.RecordAsync(Calls.Hosted("req-1", attempt: 2), CancellationToken.None); // a real second attempt
            Assert.Equal(1, await ledger.FlushAsync());
            Assert.Equal(0, ledger.OutboxDepth());
        }

        var rows = Rows();
        Assert.Equal(2, rows.Count);
        Assert.Equal(500, rows.Single(r => r.Attempt == 1).TokensOut); // the first write stands
    }

    [Fact]
    public async Task RecordAsync_CrashBeforeFlush_ReopenedLedgerHasExactlyNRows()
    {
        const int n = 300;
        var ledger = Open();
        // Acknowledged records, written concurrently; the flusher is never started (the process "dies" here).
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => await ledger.RecordAsync(Calls.Hosted($"req-{i}"), ct));
        await ledger.DisposeAsync(); // no flush on dispose
        Assert.Empty(Rows());

        await using var reopened = Open();
        Assert.Equal(n, reopened.OutboxDepth());
        await reopened.StartAsync(CancellationToken.None); // crash recovery: pending rows flushed on start
        Assert.Equal(n, Rows().Count);
        Assert.Equal(n, Rows().Select(r => r.RequestId).Distinct().Count());
        Assert.Equal(0, reopened.OutboxDepth());
        await reopened.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Flush_CrashAfterLedgerCommitBeforeOutboxDelete_RecoveryWritesNoDuplicate()
    {
        var options = Options();
        await using (var ledger = Open(options))
        {
            for (var i = 0; i < 20; i++)
            {
                await ledger.RecordAsync(Calls.Hosted($"req-{i}"), CancellationToken.None);
            }

            // Snapshot the outbox as it was before the flush, flush, then put the snapshot back: exactly the state a
            // crash between the ledger commit and the segment delete leaves behind.
            var snapshot = Directory.CreateDirectory(_dir.File("snapshot")).FullName;
            foreach (var segment in Segments(options))
            {
                segment.CopyTo(Path.Combine(snapshot, segment.Name));
            }

            await ledger.FlushAsync();
            Assert.Empty(Segments(options));
        }

        foreach (var saved in new DirectoryInfo(_dir.File("snapshot")).GetFiles())
        {
            saved.CopyTo(Path.Combine(Path.GetDirectoryName(options.EffectiveOutboxPath)!, saved.Name));
        }

        await using var reopened = Open(options);
        Assert.Equal(20, reopened.OutboxDepth());
        Assert.Equal(0, await reopened.FlushAsync());
        Assert.Equal(20, Rows().Count);
        Assert.Equal(0, reopened.OutboxDepth());
    }

    [Fact]
    public async Task RecordAsync_LedgerLocked_AcknowledgesFromOutboxAndFlushesAfterUnlock()
    {
        var options = Options(busy: TimeSpan.FromMilliseconds(300));
        await using var ledger = Open(options);
        await ledger.StartAsync(CancellationToken.None);
        using (var blocker = new SqliteConnection($"Data Source={options.LedgerPath};Pooling=False"))
        {
            blocker.Open();
            using var hold = blocker.BeginTransaction();
            using (var cmd = blocker.CreateCommand())
            {
                cmd.Transaction = hold;
                cmd.CommandText = "INSERT INTO ledger(request_id, attempt, tenant, tier, backend, model, request_class, tokens_in, tokens_out, estimated, partial, ttft_ms, latency_ms, cost_nano, commercial_nano, credit_nano, completed_at_ms, day, period) VALUES('lock',1,'x','Hosted','b','m','chat',0,0,0,0,0,0,0,0,0,0,'2026-11-23','2026-11')";
                cmd.ExecuteNonQuery(); // holds the write lock
            }

            var started = DateTime.UtcNow;
            for (var i = 0; i < 10; i++)
            {
                await ledger.RecordAsync(Calls.Hosted($"req-{i}"), CancellationToken.None);
            }

            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2), "acknowledgement waited on the locked ledger");
            await Assert.ThrowsAsync<SqliteException>(() => ledger.FlushAsync());
            Assert.Equal(10, ledger.OutboxDepth());
            hold.Rollback();
        }

        // The background flusher picks the rows up once the lock is gone.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((Rows().Count < 10 || ledger.OutboxDepth() > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(10, Rows().Count);
        Assert.Equal(0, ledger.OutboxDepth());
        await ledger.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RebuildProviderCredits_RunTwice_IdenticalAndEqualToPricedSum()
    {
        var options = Options();
        var records = new List<CallRecord>();
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var contributor = (i % 3) switch { 0 => "lender-a", 1 => "lender-b", _ => null };
            records.Add(Calls.Hosted($"req-{i}", tenant: $"t{i % 5}", tokensIn: random.Next(1, 5000), tokensOut: random.Next(0, 3000),
                contributor: contributor, share: contributor is null ? 0 : 33));
        }

        await using (var ledger = Open(options))
        {
            foreach (var r in records)
            {
                await ledger.RecordAsync(r, CancellationToken.None);
            }

            await ledger.FlushAsync();
        }

        var usage = new UsageQueryService(options, new FakeTimeProvider(Calls.Noon));
        var first = usage.RebuildProviderCredits();
        var second = usage.RebuildProviderCredits();
        Assert.Equal(first, second);
        var expected = records.Select(LedgerPricing.Price).Where(p => p.ContributorTenant is not null)
            .GroupBy(p => p.ContributorTenant!).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(p => p.CreditNano))).ToList();
        Assert.Equal(expected, first);
        Assert.Equal(2, first.Count);
    }

    [Fact]
    public async Task RecordAsync_AroundMonthBoundary_RowsLandInTheirUtcPeriods()
    {
        await using var ledger = Open();
        await ledger.RecordAsync(Calls.Hosted("late", at: new DateTimeOffset(2026, 11, 30, 23, 59, 59, 999, TimeSpan.Zero)), CancellationToken.None);
        await ledger.RecordAsync(Calls.Hosted("early", at: new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)), CancellationToken.None);
        await ledger.RecordAsync(Calls.Hosted("offset", at: new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.FromHours(1))), CancellationToken.None);
        await ledger.FlushAsync();
        Assert.Equal(3000, ledger.HostedTokensSpent("acme", "2026-11"));
        Assert.Equal(1500, ledger.HostedTokensSpent("acme", "2026-12"));
        Assert.Equal(3000, ledger.HostedTokensSpent("acme", "2026-11")); // asking twice changes nothing
    }

    [Fact]
    public async Task HostedTokensSpent_RecordsStillInTheOutbox_CountOnceWithTheLedger()
    {
        await using var ledger = Open();
        await ledger.RecordAsync(Calls.Hosted("flushed"), CancellationToken.None);
        await ledger.FlushAsync();
        await ledger.RecordAsync(Calls.Hosted("flushed"), CancellationToken.None); // a retry of a flushed record
        await ledger.RecordAsync(Calls.Hosted("pending"), CancellationToken.None);
        await ledger.RecordAsync(Calls.Hosted("pending"), CancellationToken.None); // a retry still in the outbox
        await ledger.RecordAsync(Calls.External("external"), CancellationToken.None); // not hosted
        await ledger.RecordAsync(Calls.Hosted("other", tenant: "globex"), CancellationToken.None);
        Assert.Equal(3000, ledger.HostedTokensSpent("acme", "2026-11"));
        await ledger.FlushAsync();
        Assert.Equal(3000, ledger.HostedTokensSpent("acme", "2026-11"));
    }

    [Fact]
    public async Task RecordAsync_BadRecord_ThrowsAndWritesNothing()
    {
        await using var ledger = Open();
        await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.RecordAsync(Calls.Hosted("x") with { Tier = "nope" }, CancellationToken.None));
        Assert.Equal(0, ledger.OutboxDepth());
    }

    // Every column but the row id, as text, in insertion order.
    private static List<string> AllColumns(string path)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT * FROM ledger ORDER BY id";
        using var reader = cmd.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Where(i => reader.GetName(i) != "id")
                .Select(i => $"{reader.GetName(i)}={(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))}")));
        }

        return rows;
    }

    private static List<FileInfo> Segments(GatewayOptions options) =>
        new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(options.EffectiveOutboxPath))!)
            .GetFiles(Path.GetFileName(options.EffectiveOutboxPath) + ".*.log").OrderBy(f => f.Name, StringComparer.Ordinal).ToList();

    // One flush of rows whose tenant, tier, backend, model, class, contributor (NULL or not) and day change from one row
    // to the next, and back: each row keeps its own values (the insert is prepared once per transaction and reset
    // between rows, so a value left over from the row before would show here).
    [Fact]
    public async Task FlushAsync_ColumnsChangingBetweenRows_EachRowKeepsItsOwnValues()
    {
        await using var ledger = Open();
        var records = new[]
        {
            Calls.Hosted("r1", tenant: "acme"),
            Calls.Hosted("r2", tenant: "acme", contributor: "lender", share: 50),
            Calls.Hosted("r3", tenant: "globex", requestClass: "coding"),
            Calls.Hosted("r4", tenant: "acme", at: Calls.Noon.AddDays(1)),
            Calls.External("r5", tenant: "globex"),
            Calls.Hosted("r6", tenant: "acme", contributor: "lender", share: 50),
        };
        foreach (var r in records)
        {
            await ledger.RecordAsync(r, CancellationToken.None);
        }

        await ledger.FlushAsync();
        using var c = new SqliteConnection($"Data Source={_dir.File("ledger.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT request_id, tenant, tier, backend, model, request_class, contributor_tenant, day, period FROM ledger ORDER BY id";
        using var reader = cmd.ExecuteReader();
        var got = new List<string>();
        while (reader.Read())
        {
            got.Add(string.Join('|', Enumerable.Range(0, 9).Select(i => reader.IsDBNull(i) ? "NULL" : reader.GetString(i))));
        }

        Assert.Equal(
            [
                "r1|acme|Hosted|pool-a|qwen3-8b|chat|NULL|2026-11-23|2026-11",
                "r2|acme|Hosted|card-lender|qwen3-8b|chat|lender|2026-11-23|2026-11",
                "r3|globex|Hosted|pool-a|qwen3-8b|coding|NULL|2026-11-23|2026-11",
                "r4|acme|Hosted|pool-a|qwen3-8b|chat|NULL|2026-11-24|2026-11",
                "r5|globex|External|openai|gpt-4o-mini|chat|NULL|2026-11-23|2026-11",
                "r6|acme|Hosted|card-lender|qwen3-8b|chat|lender|2026-11-23|2026-11",
            ],
            got);
    }

    private List<(string RequestId, long Attempt, string Tenant, string Tier, long TokensIn, long TokensOut, long Cost, long Credit, string? Contributor)> Rows()
    {
        var path = _dir.File("ledger.db");
        var result = new List<(string, long, string, string, long, long, long, long, string?)>();
        if (!File.Exists(path))
        {
            return result;
        }

        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE name='ledger'";
        if (cmd.ExecuteScalar() is null)
        {
            return result;
        }

        cmd.CommandText = "SELECT request_id, attempt, tenant, tier, tokens_in, tokens_out, cost_nano, credit_nano, contributor_tenant FROM ledger ORDER BY id";
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return result;
    }
}
