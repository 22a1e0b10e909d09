using System.Collections.Concurrent;
using System.Text.Json;
using Daalu.Gateway.Abstractions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace Daalu.Gateway.Metering;

/// <summary>
/// The metering sink: every record is priced, appended to a SQLite outbox (WAL, group-committed) and only then
/// acknowledged. With few calls in flight, whichever caller finds the outbox free commits every queued record, so a
/// lone call commits on its own thread with no hand-off; with more than two (<see cref="CallsInFlight"/>), or with
/// <see cref="GatewayOptions.LedgerFsync"/>, one commit work item on the thread pool takes every record queued by then.
/// By default the outbox runs synchronous=NORMAL, so a commit survives a process crash without an fsync on the
/// request path; LedgerFsync restores synchronous=FULL for power-loss durability. The ledger table always commits with
/// synchronous=FULL: that fsync is off the request path and makes the ledger commit durable before the outbox rows are
/// deleted. A background flusher moves outbox rows into the ledger table in batches
/// (<see cref="GatewayOptions.FlushBatchWindow"/>), whose UNIQUE(request_id, attempt) refuses a repeated write, and
/// deletes them from the outbox after the ledger commit; a crash between the two is repaired on the next flush by the
/// same unique key. The outbox lives in its own file so a locked or unavailable ledger never blocks acknowledgement.
/// On start, pending rows are flushed.
/// </summary>
public sealed partial class SqliteLedger : IMeteringSink, IHostedService, IAsyncDisposable, IDisposable
{
    private const int BatchSize = 500;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly CallsInFlight? _callsInFlight;
    private const int CommitBatchSize = 256;

    // Up to this many calls in flight (the recording call included) a record is committed on the caller's thread; above
    // it the commit is handed to the thread pool. Measured with strace at 32 connections: inline, 5.7 fcntl and 3.2
    // pwrite calls per request (one commit each); handed off, 0.9-1.2 and 1.5-1.8 (docs/benchmarks.md).
    private const int BatchAboveCallsInFlight = 2;
    private readonly ConcurrentQueue<PendingRecord> _pending = new();

    // Guards _outboxWriter: outbox appends and the flusher's deletes take turns in-process, so SQLite never makes a
    // writer wait on its busy handler (which sleeps in milliseconds).
    private readonly Lock _outboxLock = new();
    private readonly SemaphoreSlim _flushLock = new(1, 1);
    private readonly SemaphoreSlim _flushSignal = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SqliteConnection _outboxWriter;

    // The flusher's own long-lived connections (guarded by _flushLock); opened on first use, dropped after a failure.
    private SqliteConnection? _flushOutbox;
    private SqliteConnection? _flushLedger;
    private sqlite3_stmt? _append; // prepared once on _outboxWriter, used under _outboxLock
    private Task? _flushLoop;
    private bool _ledgerReady;
    private bool _outboxClosed;
    private int _disposed;
    private int _commitScheduled;
    private long _outboxCommits;

    /// <summary>Opens (or creates) the outbox and the ledger.</summary>
    /// <param name="options">Paths and durability.</param>
    /// <param name="logger">Log.</param>
    /// <param name="callsInFlight">The router's calls in flight; without it every record commits on its caller's thread.</param>
    public SqliteLedger(GatewayOptions options, ILogger<SqliteLedger> logger, CallsInFlight? callsInFlight = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _logger = logger;
        _callsInFlight = callsInFlight;
        _outboxWriter = SqliteStores.Open(options.EffectiveOutboxPath, options.LedgerBusyTimeout, fsync: options.LedgerFsync);
        SqliteStores.Execute(_outboxWriter, SqliteStores.OutboxSchema);

        // No automatic checkpoints on the appenders' connection: one would run (with its fsyncs) inside some caller's
        // commit every ~1,000 pages. The flusher checkpoints from its own connection after each flush instead.
        SqliteStores.Execute(_outboxWriter, "PRAGMA wal_autocheckpoint=0;");
        TryEnsureLedger();
        try
        {
            GatewayMetrics.OutboxDepth.Set(OutboxDepth());
        }
        catch (SqliteException)
        {
            // Depth is best effort; the next flush sets it again.
        }
    }

    /// <summary>Path of the ledger database.</summary>
    public string LedgerPath => _options.LedgerPath;

    /// <inheritdoc />
    public ValueTask RecordAsync(CallRecord record, CancellationToken cancellationToken)
    {
        var priced = LedgerPricing.Price(record);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var pending = new PendingRecord(priced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending.Enqueue(pending);
        if (_options.LedgerFsync || (_callsInFlight?.Count ?? 0) > BatchAboveCallsInFlight)
        {
            // An fsync takes milliseconds and must not run on the caller's thread: with inline socket completions
            // (the router's runtime settings) that thread is the socket engine's, and every connection would wait.
            // Under load the same hand-off lets the records of calls finishing meanwhile share the commit.
            ScheduleCommit();
        }
        else
        {
            CommitPending();
        }

        // Once queued the record is written whether or not the caller still waits; a client that went away must
        // not leave a billed call unrecorded, so the caller's token is not observed past this point. Usually the
        // record was committed above and this completes synchronously.
        return new ValueTask(pending.Done.Task);
    }

    /// <summary>Outbox commits made by this instance (each holds one or more records).</summary>
    public long OutboxCommits => Interlocked.Read(ref _outboxCommits);

    /// <summary>Records waiting in the outbox.</summary>
    public long OutboxDepth()
    {
        using var connection = SqliteStores.Open(_options.EffectiveOutboxPath, _options.LedgerBusyTimeout);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM outbox";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Moves every pending outbox row into the ledger. Returns rows inserted; duplicates are refused and dropped
    /// from the outbox. Throws when the ledger is unavailable (the rows stay in the outbox).
    /// </summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var inserted = 0;
            while (true)
            {
                var (batchInserted, batchCount) = FlushBatch();
                inserted += batchInserted;
                if (batchCount < BatchSize)
                {
                    return inserted;
                }
            }
        }
        catch
        {
            // A connection that failed (locked past the timeout, I/O error, file replaced) is reopened on the next
            // flush rather than trusted again; the rows are still in the outbox.
            CloseFlushConnections();
            throw;
        }
        finally
        {
            UpdateDepth();
            Checkpoint();
            _flushLock.Release();
        }
    }

    /// <summary>
    /// Tokens (in + out) spent on the hosted tier by <paramref name="tenant"/> in <paramref name="period"/>: the ledger
    /// plus acknowledged records still waiting in the outbox (each (request id, attempt) counted once), so a gate
    /// seeded from it right after a restart does not under-count.
    /// </summary>
    public long HostedTokensSpent(string tenant, string period)
    {
        TryEnsureLedger();
        using var connection = SqliteStores.Open(_options.LedgerPath, _options.LedgerBusyTimeout);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(tokens_in + tokens_out), 0) FROM ledger WHERE tenant = $t AND period = $p AND tier = 'Hosted'";
        command.Parameters.AddWithValue("$t", tenant);
        command.Parameters.AddWithValue("$p", period);
        var spent = (long)command.ExecuteScalar()!;

        command.CommandText = "ATTACH DATABASE $outbox AS ob";
        command.Parameters.AddWithValue("$outbox", Path.GetFullPath(_options.EffectiveOutboxPath));
        command.ExecuteNonQuery();
        command.CommandText = """
            SELECT COALESCE(SUM(json_extract(o.payload, '$.TokensIn') + json_extract(o.payload, '$.TokensOut')), 0)
            FROM ob.outbox o
            WHERE o.seq IN (SELECT MIN(seq) FROM ob.outbox GROUP BY request_id, attempt)
              AND json_extract(o.payload, '$.Tenant') = $t
              AND json_extract(o.payload, '$.Period') = $p
              AND json_extract(o.payload, '$.Tier') = 'Hosted'
              AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.request_id = o.request_id AND l.attempt = o.attempt)
            """;
        spent += (long)command.ExecuteScalar()!;
        return spent;
    }

    /// <summary>Flushes pending outbox rows (crash recovery), then keeps flushing in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var inserted = await FlushAsync(cancellationToken).ConfigureAwait(false);
            if (inserted > 0)
            {
                LogRecovered(_logger, inserted);
            }
        }
        catch (SqliteException ex)
        {
            GatewayMetrics.LedgerWriteFailures.WithLabels("ledger").Inc();
            LogFlushFailed(_logger, ex.SqliteErrorCode, ex.Message);
        }

        _flushLoop ??= Task.Factory.StartNew(FlushLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Stops the flusher after a last flush attempt. Acknowledged records are already durable in the outbox.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_flushLoop is not null)
        {
            await _flushLoop.ConfigureAwait(false);
        }

        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException or OperationCanceledException)
        {
            // The rows stay in the outbox and are flushed on the next start.
        }
    }

    /// <summary>
    /// Closes the stores without flushing: anything acknowledged stays in the outbox for the next start.
    /// Records already queued are written to the outbox first.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        CommitPending(wait: true);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_flushLoop is not null)
        {
            await _flushLoop.ConfigureAwait(false);
        }

        using (_outboxLock.EnterScope())
        {
            _outboxClosed = true;
            _append?.Dispose();
            _append = null;
            _outboxWriter.Dispose();
        }

        // A record queued while closing is refused rather than left waiting.
        FailPending(new ObjectDisposedException(nameof(SqliteLedger)));
        await _flushLock.WaitAsync().ConfigureAwait(false);
        CloseFlushConnections();
        _flushLock.Release();
        _stopping.Dispose();
        _flushLock.Dispose();
        _flushSignal.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // Group commit without a writer thread: whoever finds the outbox free commits everything queued, its own record
    // included, and callers that find it busy are completed by that commit or the next. Looking at the queue again
    // after releasing the lock closes the race with a record queued while the lock was held.
    // At most one commit work item is queued; whatever is pending when it runs goes into its commit. The flag is
    // cleared before draining, so a record queued after the drain schedules the next item.
    private void ScheduleCommit()
    {
        if (Interlocked.Exchange(ref _commitScheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                static ledger =>
                {
                    Volatile.Write(ref ledger._commitScheduled, 0);
                    ledger.CommitPending();
                },
                this,
                preferLocal: false);
        }
    }

    private void CommitPending(bool wait = false)
    {
        while (!_pending.IsEmpty)
        {
            if (wait)
            {
                _outboxLock.Enter();
            }
            else if (!_outboxLock.TryEnter())
            {
                return;
            }

            var batch = new List<PendingRecord>(Math.Min(CommitBatchSize, _pending.Count));
            Exception? failure = null;
            try
            {
                while (batch.Count < CommitBatchSize && _pending.TryDequeue(out var item))
                {
                    batch.Add(item);
                }

                if (_outboxClosed)
                {
                    failure = new ObjectDisposedException(nameof(SqliteLedger));
                }
                else if (batch.Count > 0)
                {
                    AppendToOutbox(batch);
                }
            }
            catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                failure = ex;
            }
            finally
            {
                _outboxLock.Exit();
            }

            Complete(batch, failure);
        }
    }

    private void Complete(List<PendingRecord> batch, Exception? failure)
    {
        if (batch.Count == 0)
        {
            return;
        }

        if (failure is null)
        {
            GatewayMetrics.OutboxDepth.Inc(batch.Count);
            foreach (var item in batch)
            {
                item.Done.TrySetResult();
            }

            _flushSignal.Release();
            return;
        }

        if (failure is not ObjectDisposedException)
        {
            GatewayMetrics.LedgerWriteFailures.WithLabels("outbox").Inc();
            LogOutboxFailed(_logger, batch.Count, failure.Message);
        }

        var error = failure is ObjectDisposedException ? failure : new InvalidOperationException("The metering outbox could not store the record.", failure);
        foreach (var item in batch)
        {
            item.Done.TrySetException(error);
        }
    }

    private void FailPending(Exception error)
    {
        var batch = new List<PendingRecord>();
        while (_pending.TryDequeue(out var item))
        {
            batch.Add(item);
        }

        Complete(batch, error);
    }

    // Called with _outboxLock held. One prepared statement for the life of the connection, driven through SQLite's own
    // API: Microsoft.Data.Sqlite's per-execution reader, parameter lookup by name and busy loop cost more than the
    // insert itself. A lone record commits in autocommit mode (one statement instead of BEGIN, INSERT, COMMIT), a
    // group in one transaction. Busy waits are SQLite's own (busy_timeout), though appends and deletes take turns.
    private void AppendToOutbox(List<PendingRecord> batch)
    {
        var db = _outboxWriter.Handle!;
        if (_append is null)
        {
            Check(db, raw.sqlite3_prepare_v2(db, "INSERT INTO outbox(request_id, attempt, payload) VALUES(?1, ?2, ?3)", out var stmt));
            _append = stmt;
        }

        using var transaction = batch.Count > 1 ? _outboxWriter.BeginTransaction(deferred: false) : null;
        foreach (var item in batch)
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(item.Call, MeteringJsonContext.Default.PricedCall);
            try
            {
                Check(db, raw.sqlite3_bind_text(_append, 1, item.Call.RequestId));
                Check(db, raw.sqlite3_bind_int(_append, 2, item.Call.Attempt));
                Check(db, raw.sqlite3_bind_text(_append, 3, payload));
                var rc = raw.sqlite3_step(_append);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(db, rc);
                }
            }
            finally
            {
                raw.sqlite3_reset(_append);
                raw.sqlite3_clear_bindings(_append);
            }
        }

        transaction?.Commit();
        Interlocked.Increment(ref _outboxCommits);
        GatewayMetrics.OutboxCommits.Inc();
    }

    // The flusher moves up to BatchSize records per transaction, several milliseconds of CPU on the router's core. It
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

    // On its own thread (LongRunning): the flush blocks on SQLite and the ledger's fsync, which would otherwise hold a
    // pool thread or, after a Task.Delay, the timer thread that fires every request's timeouts.
    private void FlushLoop()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (_flushSignal.Wait(_options.FlushInterval, token))
                {
                    // Let more records arrive: one ledger transaction (and fsync) per window, not per call.
                    var window = _options.FlushBatchWindow < _options.FlushInterval ? _options.FlushBatchWindow : _options.FlushInterval;
                    if (window > TimeSpan.Zero && token.WaitHandle.WaitOne(window))
                    {
                        return;
                    }
                }

                // One flush covers every group commit signalled so far; no need to run once per signal.
                while (_flushSignal.Wait(0, CancellationToken.None))
                {
                }

                FlushAsync(token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SqliteException ex)
            {
                GatewayMetrics.LedgerWriteFailures.WithLabels("ledger").Inc();
                LogFlushFailed(_logger, ex.SqliteErrorCode, ex.Message);
                if (token.WaitHandle.WaitOne(_options.FlushInterval))
                {
                    return;
                }
            }
        }
    }

    private (int Inserted, int Read) FlushBatch()
    {
        var rows = new List<(long Seq, PricedCall Call)>();
        var outbox = FlushOutbox();
        using (var read = outbox.CreateCommand())
        {
            read.CommandText = "SELECT seq, payload FROM outbox ORDER BY seq LIMIT $n";
            read.Parameters.AddWithValue("$n", BatchSize);
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var call = JsonSerializer.Deserialize(reader.GetString(1), MeteringJsonContext.Default.PricedCall)
                    ?? throw new InvalidDataException("Empty outbox payload.");
                rows.Add((reader.GetInt64(0), call));
                YieldNowAndThen(rows.Count);
            }
        }

        if (rows.Count == 0)
        {
            return (0, 0);
        }

        var ledger = FlushLedger();
        EnsureLedger(ledger);
        var inserted = 0;
        var bound = 0;
        // Prepared once per batch and bound by position through SQLite's own API: Microsoft.Data.Sqlite's per-row
        // parameter lookups by name cost more than the insert (profile of the flush thread under load).
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
                foreach (var (_, c) in rows)
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

        if (rows.Count > inserted)
        {
            GatewayMetrics.LedgerDuplicatesRefused.Inc(rows.Count - inserted);
            LogDuplicatesRefused(_logger, rows.Count - inserted);
        }

        // Only after the ledger commit is durable; a crash here leaves rows the unique key will refuse next time.
        // Deleted through the appenders' connection under their lock, so appends never wait on SQLite's busy handler.
        try
        {
            using (_outboxLock.EnterScope())
            {
                ObjectDisposedException.ThrowIf(_outboxClosed, this);
                // The rows were read in seq order with a limit, and a new row always gets a seq above every row still
                // present, so "up to the last seq read" is exactly the rows read: one statement instead of one per row.
                using var delete = _outboxWriter.CreateCommand();
                delete.CommandText = "DELETE FROM outbox WHERE seq <= $s";
                delete.Parameters.AddWithValue("$s", rows[^1].Seq);
                delete.ExecuteNonQuery();
            }
        }
        finally
        {
            // Appenders that found the lock taken by these deletes left their records queued for whoever holds it next.
            CommitPending();
        }

        return (inserted, rows.Count);
    }

    private void TryEnsureLedger()
    {
        try
        {
            EnsureLedger();
        }
        catch (SqliteException ex)
        {
            // The ledger may be locked or unavailable at start; records still reach the outbox and flush later.
            LogFlushFailed(_logger, ex.SqliteErrorCode, ex.Message);
        }
    }

    private void EnsureLedger(SqliteConnection? connection = null)
    {
        if (Volatile.Read(ref _ledgerReady))
        {
            return;
        }

        if (connection is not null)
        {
            SqliteStores.Execute(connection, SqliteStores.LedgerSchema);
        }
        else
        {
            using var ledger = SqliteStores.Open(_options.LedgerPath, _options.LedgerBusyTimeout);
            SqliteStores.Execute(ledger, SqliteStores.LedgerSchema);
        }

        Volatile.Write(ref _ledgerReady, true);
    }

    // The flusher only reads the outbox through this connection; its deletes go through the appenders' connection.
    private SqliteConnection FlushOutbox() =>
        _flushOutbox ??= SqliteStores.Open(_options.EffectiveOutboxPath, _options.LedgerBusyTimeout, fsync: false);

    // Always synchronous=FULL: the outbox rows are deleted right after this commit, so it must be on disk first.
    private SqliteConnection FlushLedger() =>
        _flushLedger ??= SqliteStores.Open(_options.LedgerPath, _options.LedgerBusyTimeout, fsync: true);

    private void CloseFlushConnections()
    {
        _flushOutbox?.Dispose();
        _flushOutbox = null;
        _flushLedger?.Dispose();
        _flushLedger = null;
    }

    // Called with _flushLock held. PASSIVE never waits for the appenders; the WAL restarts from the beginning on the
    // next append once every frame is checkpointed, so it stays small without a checkpoint on the request path.
    private void Checkpoint()
    {
        try
        {
            SqliteStores.Execute(FlushOutbox(), "PRAGMA wal_checkpoint(PASSIVE);");
        }
        catch (SqliteException)
        {
            // Best effort; the next flush checkpoints again.
            CloseFlushConnections();
        }
    }

    // Called with _flushLock held, so the flusher's outbox connection is safe to use.
    private void UpdateDepth()
    {
        try
        {
            using var command = FlushOutbox().CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM outbox";
            GatewayMetrics.OutboxDepth.Set((long)command.ExecuteScalar()!);
        }
        catch (SqliteException)
        {
            // Depth is best effort; the next flush sets it again.
            CloseFlushConnections();
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Ledger flush failed (sqlite error {Code}): {Error}; records stay in the outbox and are retried")]
    private static partial void LogFlushFailed(ILogger logger, int code, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Metering outbox write failed for {Count} records: {Error}")]
    private static partial void LogOutboxFailed(ILogger logger, int count, string error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Flushed {Count} outbox records left by a previous run into the ledger")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Ledger refused {Count} duplicate (request_id, attempt) records")]
    private static partial void LogDuplicatesRefused(ILogger logger, int count);

    private sealed record PendingRecord(PricedCall Call, TaskCompletionSource Done);
}
