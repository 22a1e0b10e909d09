using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Daalu.Gateway.Abstractions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using SQLitePCL;

namespace Daalu.Gateway.Metering;

/// <summary>
/// The metering sink: every record is priced, appended to an outbox and only then acknowledged. The outbox is an
/// append-only log of segment files next to <see cref="GatewayOptions.EffectiveOutboxPath"/> (format and names in
/// <see cref="OutboxFormat"/> and <see cref="OutboxFiles"/>), because one buffered write per commit costs a fraction of
/// a SQLite transaction on the request path. Commits are grouped: with few calls in flight, whichever caller finds the
/// outbox free serialises every queued record into one buffer and writes it with one write() on its own thread, so a
/// lone call commits with no hand-off; with more than two (<see cref="CallsInFlight"/>), or with
/// <see cref="GatewayOptions.LedgerFsync"/>, one commit work item on the thread pool takes every record queued by then.
/// A write that returned is in the OS page cache and survives a process crash; LedgerFsync adds an fsync per commit
/// (and of the directory for a new segment) for power-loss durability. A failed write fails exactly its commit's
/// callers and is cut off the segment, which is sealed, so no garbage sits before later records.
/// A background flusher seals the segment being written (the next commit starts a new one), moves the sealed
/// segments' records into the ledger table in transactions (<see cref="GatewayOptions.FlushBatchWindow"/> paces it;
/// a segment this process wrote is flushed from the records it kept in memory, up to <see cref="MaxKeptRecords"/>),
/// whose UNIQUE(request_id, attempt) refuses a repeated write, and deletes a segment only after the ledger commit,
/// which is always synchronous=FULL; a crash between the two is repaired on the next flush by the same unique key.
/// A segment whose last record was cut by a crash loses only that never-acknowledged record; a damaged record with
/// data after it keeps the whole segment aside as corrupt, for an operator, after flushing the records before it.
/// The outbox is not in the ledger's file, so a locked or unavailable ledger never blocks acknowledgement. On start,
/// pending segments are flushed, and a SQLite outbox left at the outbox path by an older version is drained into the
/// ledger and then deleted. One process owns an outbox (a lock file refuses a second one at start).
/// At shutdown a last flush is tried for at most <see cref="GatewayOptions.ShutdownFlushTimeout"/>; with a shared
/// PostgreSQL ledger and Redis (<see cref="GatewayOptions.ParkOutboxAtShutdown"/>) what that flush could not write is
/// parked in Redis (<see cref="IOutboxParking"/>) and only then deleted from the outbox, and every replica's flusher
/// moves parked records into the ledger (at start, then at most every <see cref="UnparkInterval"/>): a replica removed
/// by a scale-down while PostgreSQL is down leaves nothing behind on a claim nobody mounts again. Parked records are
/// keyed by (request id, attempt), so a crash between parking and deleting writes nothing twice.
/// </summary>
public sealed partial class SqliteLedger : IMeteringSink, IHostedService, IAsyncDisposable, IDisposable
{
    private const int BatchSize = 500;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly CallsInFlight? _callsInFlight;
    private const int CommitBatchSize = 256;

    // Records kept in memory for the flusher, across the segments not yet flushed (about 0.4 KB each). With the ledger
    // unavailable the outbox grows without bound on disk; past this many records, segments are read back from disk.
    internal const int MaxKeptRecords = 20_000;

    // Up to this many calls in flight (the recording call included) a record is committed on the caller's thread; above
    // it the commit is handed to the thread pool. Measured with strace at 32 connections on the SQLite outbox: inline,
    // 5.7 fcntl and 3.2 pwrite calls per request (one commit each); handed off, 0.9-1.2 and 1.5-1.8 (docs/benchmarks.md).
    private const int BatchAboveCallsInFlight = 2;
    private readonly ConcurrentQueue<PendingRecord> _pending = new();

    // Guards the segment being written, the sealed list, the sequence and the commit buffer: appends and the flusher's
    // seal take turns in-process, and the seal holds it only to swap a reference.
    private readonly Lock _outboxLock = new();
    private readonly SemaphoreSlim _flushLock = new(1, 1);
    private readonly SemaphoreSlim _flushSignal = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _outboxDirectory;
    private readonly FileStream _owner; // this process's lock on the outbox, released on dispose
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;
    private readonly List<OutboxSegment> _sealed = [];
    private OutboxSegment? _active;
    private long _nextSeq;

    // Records in segments still on disk (acknowledged, or left by an earlier run), and rows in a legacy SQLite outbox.
    private long _depth;
    private long _legacyDepth;

    // The ledger table the flusher writes into (guarded by _flushLock): SQLite, or the shared PostgreSQL one.
    private readonly ILedgerStore _store;
    private Task? _flushLoop;
    private bool _outboxClosed;
    private int _disposed;
    private int _commitScheduled;
    private long _outboxCommits;
    private int _keptRecords;
    private readonly IOutboxParking? _parking;
    private long _nextUnparkTimestamp;

    /// <summary>How often the flusher looks for parked records after a look that succeeded (30 s after one that failed).</summary>
    internal static readonly TimeSpan UnparkInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan UnparkRetryAfterFailure = TimeSpan.FromSeconds(30);

    /// <summary>Clock of the unparking schedule (tests replace it).</summary>
    internal TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Opens (or creates) the outbox and the ledger.</summary>
    /// <param name="options">Paths and durability.</param>
    /// <param name="logger">Log.</param>
    /// <param name="callsInFlight">The router's calls in flight; without it every record commits on its caller's thread.</param>
    /// <param name="store">The ledger table; default the SQLite file at <see cref="GatewayOptions.LedgerPath"/>.</param>
    /// <param name="parking">Where records go at shutdown when the ledger cannot be reached, and are taken from by every replica; null: they stay in the outbox.</param>
    public SqliteLedger(GatewayOptions options, ILogger<SqliteLedger> logger, CallsInFlight? callsInFlight = null, ILedgerStore? store = null, IOutboxParking? parking = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _store = store ?? new SqliteLedgerStore(options);
        _logger = logger;
        _callsInFlight = callsInFlight;
        _parking = parking;
        _outboxDirectory = Path.GetDirectoryName(Path.GetFullPath(options.EffectiveOutboxPath))!;
        Directory.CreateDirectory(_outboxDirectory);
        _owner = OutboxFiles.Own(options.EffectiveOutboxPath);
        try
        {
            _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

            // Everything on disk was written by an earlier run: sealed, read whole, never appended to again.
            foreach (var (seq, path, corrupt) in OutboxFiles.List(options.EffectiveOutboxPath))
            {
                _nextSeq = Math.Max(_nextSeq, seq);
                if (!corrupt)
                {
                    var segment = new OutboxSegment(seq, path) { Length = -1, Records = CountRecords(path) };
                    _sealed.Add(segment);
                    _depth += segment.Records;
                }
            }

            _nextSeq++;
            _legacyDepth = CountLegacyRows();
            TryEnsureLedger();
        }
        catch
        {
            // A ledger that failed to open does not keep the outbox from the next attempt.
            _owner.Dispose();
            throw;
        }

        GatewayMetrics.OutboxDepth.Set(OutboxDepth());
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

    /// <summary>
    /// Records waiting in the outbox: appended and not yet flushed, including what an earlier run left on disk (a
    /// torn last record, never acknowledged, is not counted).
    /// </summary>
    public long OutboxDepth() => Interlocked.Read(ref _depth) + Interlocked.Read(ref _legacyDepth);

    /// <summary>
    /// Moves every sealed outbox record into the ledger. Returns rows inserted; duplicates are refused and dropped
    /// from the outbox. Throws when the ledger is unavailable (the records stay in the outbox).
    /// </summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return DrainLegacyOutbox() + FlushSegments(InsertIntoLedger) + UnparkIfDue();
        }
        catch
        {
            // A connection that failed (locked past the timeout, I/O error, file replaced) is reopened on the next
            // flush rather than trusted again; the records are still in the outbox.
            CloseFlushConnections();
            throw;
        }
        finally
        {
            GatewayMetrics.OutboxDepth.Set(OutboxDepth());
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

        // The outbox is read before the ledger: a record flushed in between is then in the ledger's snapshot and
        // skipped below, where the other order could miss it in both.
        var seen = new HashSet<(string, int)>();
        var waiting = new List<(string RequestId, int Attempt, long Tokens)>();
        void Consider(PricedCall call)
        {
            if (seen.Add((call.RequestId, call.Attempt)) && call.Tenant == tenant && call.Period == period && call.Tier == "Hosted")
            {
                waiting.Add((call.RequestId, call.Attempt, call.TokensIn + call.TokensOut));
            }
        }

        foreach (var call in ReadLegacyOutbox())
        {
            Consider(call);
        }

        foreach (var (_, path, corrupt) in OutboxFiles.List(_options.EffectiveOutboxPath))
        {
            if (corrupt)
            {
                continue;
            }

            byte[] data;
            try
            {
                data = OutboxFiles.Read(path, -1);
            }
            catch (FileNotFoundException)
            {
                continue; // flushed meanwhile: its records are in the ledger read below
            }

            var frames = new List<Range>();
            OutboxFormat.Scan(data, frames);
            foreach (var frame in frames)
            {
                Consider(OutboxFormat.Deserialize(data.AsSpan(frame)));
            }
        }

        return _store.HostedTokensSpent(tenant, period, waiting);
    }

    /// <summary>Flushes pending outbox records (crash recovery, and a legacy SQLite outbox), then keeps flushing in the background.</summary>
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
        catch (Exception ex) when (IsFlushFault(ex))
        {
            CountFlushFault(ex);
        }

        _flushLoop ??= Task.Factory.StartNew(FlushLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Stops the flusher after a last flush attempt of at most <see cref="GatewayOptions.ShutdownFlushTimeout"/>.
    /// Acknowledged records are already durable in the outbox; with parking configured, those the ledger did not take
    /// are parked in Redis and removed from the outbox (<see cref="IOutboxParking"/>), else they wait for the next start.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_flushLoop is not null)
        {
            await _flushLoop.ConfigureAwait(false);
        }

        // The flush blocks on the store (a PostgreSQL that does not answer holds it until its connect timeout), so it
        // runs on the pool and is waited for with a bound; the host's token is not used, this step has its own.
        var flush = Task.Run(() => FlushAsync(CancellationToken.None), CancellationToken.None);
        try
        {
            await flush.WaitAsync(_options.ShutdownFlushTimeout, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (IsFlushFault(ex) || ex is OperationCanceledException)
        {
            if (flush.IsCompleted)
            {
                CountFlushFault(ex);
            }
        }

        if (_parking is null || OutboxDepth() == 0)
        {
            return;
        }

        if (!flush.IsCompleted)
        {
            // Still inside the store: the records stay in the outbox (on the replica's claim) for the next start.
            LogShutdownFlushHung(_logger, _store.Kind, OutboxDepth(), _options.ShutdownFlushTimeout.TotalSeconds);
            return;
        }

        await _flushLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var parked = FlushSegments(ParkRecords);
            LogParked(_logger, parked, _store.Kind);
        }
        catch (Exception ex) when (IsParkingFault(ex) || IsFlushFault(ex))
        {
            // Redis is unreachable too (or a segment could not be read): what was not parked stays in the outbox, on
            // the replica's claim, for the next start; a segment is deleted only after Redis acknowledged its records.
            LogParkingFailed(_logger, OutboxDepth(), ex.Message);
        }
        finally
        {
            GatewayMetrics.OutboxDepth.Set(OutboxDepth());
            _flushLock.Release();
        }
    }

    private int ParkRecords(List<PricedCall> rows)
    {
        _parking!.Park(rows);
        GatewayMetrics.OutboxParked.Inc(rows.Count);
        return rows.Count;
    }

    // Called with _flushLock held, after the outbox's own records. Moves parked records into the ledger, a batch at a
    // time, each removed from the parking only after the ledger's commit. A ledger fault propagates (a flush fault,
    // the records stay parked); a parking fault only postpones the next look.
    private int UnparkIfDue()
    {
        if (_parking is null || Time.GetTimestamp() < Interlocked.Read(ref _nextUnparkTimestamp))
        {
            return 0;
        }

        var inserted = 0;
        var next = UnparkInterval;
        try
        {
            for (var round = 0; round < 20; round++)
            {
                var taken = _parking.Take(BatchSize);
                if (taken.Count == 0)
                {
                    break;
                }

                var rows = new List<PricedCall>(taken.Count);
                foreach (var (_, call) in taken)
                {
                    rows.Add(call);
                }

                inserted += InsertIntoLedger(rows);
                _parking.Remove([.. taken.Select(t => t.Key)]);
                GatewayMetrics.OutboxUnparked.Inc(taken.Count);
                LogUnparked(_logger, taken.Count);
            }
        }
        catch (Exception ex) when (IsParkingFault(ex))
        {
            next = UnparkRetryAfterFailure;
            LogUnparkFailed(_logger, ex.Message);
        }
        finally
        {
            Interlocked.Exchange(ref _nextUnparkTimestamp, Time.GetTimestamp() + (long)(next.TotalSeconds * Time.TimestampFrequency));
        }

        return inserted;
    }

    private static bool IsParkingFault(Exception ex) => ex is StackExchange.Redis.RedisException or TimeoutException or InvalidDataException or JsonException or ObjectDisposedException;

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
            _active?.Handle?.Dispose();
            _json.Dispose();
        }

        // Only after the last segment is closed: the next owner may start appending at once.
        await _owner.DisposeAsync().ConfigureAwait(false);

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
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException or InvalidOperationException or NotSupportedException)
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

    // Called with _outboxLock held. The whole commit is one buffer and one positioned write, with no stream buffering
    // in between: the write returning is the acknowledgement point. A new segment's header rides in its first write.
    private void AppendToOutbox(List<PendingRecord> batch)
    {
        if (_active is null)
        {
            // The sequence moves on even if the create fails, so a retry never reuses a name that may now exist.
            var seq = _nextSeq++;
            var path = OutboxFiles.SegmentPath(_options.EffectiveOutboxPath, seq);
            _active = new OutboxSegment(seq, path) { Handle = OutboxFiles.Create(path), Kept = [] };
        }

        var segment = _active;
        var fresh = segment.Length == 0;
        _buffer.ResetWrittenCount();
        if (fresh)
        {
            OutboxFormat.WriteHeader(_buffer);
        }

        foreach (var item in batch)
        {
            OutboxFormat.AppendRecord(_buffer, _json, item.Call);
        }

        try
        {
            WriteToSegment(segment.Handle!, _buffer.WrittenSpan, segment.Length);
            if (_options.LedgerFsync)
            {
                RandomAccess.FlushToDisk(segment.Handle!);
                if (fresh)
                {
                    OutboxFiles.SyncDirectory(_outboxDirectory);
                }
            }
        }
        catch
        {
            SealAfterFailedWrite(segment);
            throw;
        }

        segment.Length += _buffer.WrittenCount;
        segment.Records += batch.Count;
        Keep(segment, batch);
        Interlocked.Add(ref _depth, batch.Count);
        Interlocked.Increment(ref _outboxCommits);
        GatewayMetrics.OutboxCommits.Inc();
    }

    // Called with _outboxLock held, after the write: the segment keeps what it now holds for the flusher, unless that
    // would pass MaxKeptRecords, in which case it lets all of its records go and is read back from disk instead.
    private void Keep(OutboxSegment segment, List<PendingRecord> batch)
    {
        if (segment.Kept is not { } kept)
        {
            return;
        }

        if (Volatile.Read(ref _keptRecords) + batch.Count > MaxKeptRecords)
        {
            Interlocked.Add(ref _keptRecords, -kept.Count);
            segment.Kept = null;
            return;
        }

        foreach (var item in batch)
        {
            kept.Add(item.Call);
        }

        Interlocked.Add(ref _keptRecords, batch.Count);
    }

    /// <summary>Records kept in memory for the flusher (tests check the bound).</summary>
    internal int KeptRecords => Volatile.Read(ref _keptRecords);

    // Called with _outboxLock held. Part of the failed write may have reached the file; it is cut off so the segment
    // ends with the last acknowledged record. If even that fails, the flusher still reads only up to that length, and
    // a restart before that flush would treat the leftover as a torn tail (or, if whole records made it, flush
    // records whose callers were told they failed: billed once, never twice). The segment takes no more writes.
    private void SealAfterFailedWrite(OutboxSegment segment)
    {
        _active = null;
        try
        {
            RandomAccess.SetLength(segment.Handle!, segment.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogTruncateFailed(_logger, Path.GetFileName(segment.Path), ex.Message);
        }

        segment.Handle!.Dispose();
        segment.Handle = null;
        if (segment.Records == 0)
        {
            try
            {
                File.Delete(segment.Path);
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the flusher, which deletes an empty segment.
            }
        }

        _sealed.Add(segment);
    }

    /// <summary>
    /// The outbox's one write per commit; tests replace it to fail a write part way through (a full disk, an I/O error),
    /// which a real file system does not do on demand.
    /// </summary>
    internal OutboxWrite WriteToSegment { get; set; } = RandomAccess.Write;

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

    // On its own thread (LongRunning): the flush blocks on file reads and the ledger's fsync, which would otherwise
    // hold a pool thread or, after a Task.Delay, the timer thread that fires every request's timeouts.
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
            catch (Exception ex) when (IsFlushFault(ex))
            {
                CountFlushFault(ex);
                if (token.WaitHandle.WaitOne(_options.FlushInterval))
                {
                    return;
                }
            }
        }
    }

    // DbException covers SQLite's and Npgsql's errors; a PostgreSQL that is down or restarting also surfaces as a
    // socket or timeout error inside Npgsql's NpgsqlException (a DbException), or as a TimeoutException.
    private static bool IsFlushFault(Exception ex) => ex is System.Data.Common.DbException or IOException or UnauthorizedAccessException or TimeoutException or System.Net.Sockets.SocketException;

    private void CountFlushFault(Exception ex)
    {
        GatewayMetrics.LedgerWriteFailures.WithLabels("ledger").Inc();
        LogFlushFailed(_logger, _store.Kind, ex.Message);
    }

    // Called with _flushLock held. Seals the segment being written, then moves the sealed segments' records into the
    // ledger, oldest first, in transactions of up to BatchSize records that may span segments. A segment is finished
    // (deleted, or kept aside as corrupt) only once all its records are in a committed transaction.
    private int FlushSegments(Func<List<PricedCall>, int> write)
    {
        OutboxSegment? closing = null;
        List<OutboxSegment> work;
        using (_outboxLock.EnterScope())
        {
            if (_active is { Records: > 0 } active)
            {
                _sealed.Add(active);
                _active = null;
                closing = active;
            }

            work = [.. _sealed];
        }

        // Appenders that found the lock taken by the seal left their records queued for whoever holds it next.
        CommitPending();
        closing?.Handle?.Dispose();
        if (closing is not null)
        {
            closing.Handle = null;
        }

        if (work.Count == 0)
        {
            return 0;
        }

        var inserted = 0;
        var batch = new List<PricedCall>(BatchSize);
        var read = new List<(OutboxSegment Segment, SegmentScan Scan)>();
        foreach (var segment in work)
        {
            var (calls, scan) = SegmentRecords(segment);
            for (var i = segment.Committed; i < calls.Count; i++)
            {
                batch.Add(calls[i]);
                YieldNowAndThen(batch.Count);
                if (batch.Count == BatchSize)
                {
                    inserted += write(batch);
                    batch.Clear();
                    segment.Committed = i + 1;
                    FinishSegments(read);
                }
            }

            read.Add((segment, scan));
        }

        if (batch.Count > 0)
        {
            inserted += write(batch);
        }

        FinishSegments(read);
        return inserted;
    }

    // A segment this process wrote (sealed, so no longer appended to) is flushed from the records it kept: they are what
    // its acknowledged writes hold, byte for byte, so reading the file back and decoding it again would only cost the
    // flusher's CPU on the router's core. A segment from an earlier run, or one whose records were let go to bound the
    // memory, is read from disk and checked record by record.
    private static (IReadOnlyList<PricedCall> Calls, SegmentScan Scan) SegmentRecords(OutboxSegment segment)
    {
        if (segment.Kept is { } kept && kept.Count == segment.Records)
        {
            return (kept, new SegmentScan(SegmentState.Clean, kept.Count, 0, 0));
        }

        byte[] data;
        try
        {
            data = OutboxFiles.Read(segment.Path, segment.Length);
        }
        catch (FileNotFoundException)
        {
            data = [];
        }

        var frames = new List<Range>();
        var scan = OutboxFormat.Scan(data, frames);
        var calls = new List<PricedCall>(frames.Count);
        foreach (var frame in frames)
        {
            try
            {
                calls.Add(OutboxFormat.Deserialize(data.AsSpan(frame)));
            }
            catch (JsonException)
            {
                // A record that passed its checksum but is not a priced call: written by something else.
                scan = new SegmentScan(SegmentState.Corrupt, calls.Count, frame.Start.Value - OutboxFormat.RecordHeaderSize, data.Length - frame.Start.Value + OutboxFormat.RecordHeaderSize);
                break;
            }
        }

        return (calls, scan);
    }

    // Every record of these segments is in a committed ledger transaction (synchronous=FULL), so the files can go.
    private void FinishSegments(List<(OutboxSegment Segment, SegmentScan Scan)> segments)
    {
        foreach (var (segment, scan) in segments)
        {
            var name = Path.GetFileName(segment.Path);
            switch (scan.State)
            {
                case SegmentState.Corrupt:
                    GatewayMetrics.OutboxCorruptSegments.Inc();
                    LogCorruptSegment(_logger, name, scan.BadOffset, scan.BadBytes, scan.Records);
                    File.Move(segment.Path, segment.Path + OutboxFiles.CorruptSuffix);
                    break;
                case SegmentState.TornTail:
                    GatewayMetrics.OutboxTornTails.Inc();
                    LogTornTail(_logger, name, scan.BadOffset, scan.BadBytes);
                    File.Delete(segment.Path);
                    break;
                default:
                    File.Delete(segment.Path);
                    break;
            }

            using (_outboxLock.EnterScope())
            {
                _sealed.Remove(segment);
            }

            Interlocked.Add(ref _depth, -segment.Records);
            if (segment.Kept is { } kept)
            {
                Interlocked.Add(ref _keptRecords, -kept.Count);
                segment.Kept = null;
            }
        }

        segments.Clear();
    }

    // Called with _flushLock held. A SQLite outbox left by a version before the segment log: its rows go into the
    // ledger like any others, and the file (with its WAL and shared-memory index) is deleted only after the ledger
    // commit; a crash in between drains it again and the unique key refuses what is already there.
    private int DrainLegacyOutbox()
    {
        var path = Path.GetFullPath(_options.EffectiveOutboxPath);
        if (!File.Exists(path))
        {
            return 0;
        }

        var inserted = 0;
        var drained = 0;
        using (var legacy = SqliteStores.Open(path, _options.LedgerBusyTimeout, fsync: false))
        {
            if (HasOutboxTable(legacy))
            {
                var after = long.MinValue;
                while (true)
                {
                    var rows = ReadLegacyRows(legacy, after, BatchSize);
                    if (rows.Count == 0)
                    {
                        break;
                    }

                    inserted += InsertIntoLedger(rows.ConvertAll(r => r.Call));
                    drained += rows.Count;
                    after = rows[^1].Seq;
                }
            }
        }

        foreach (var suffix in new[] { "-wal", "-shm", "-journal", string.Empty })
        {
            File.Delete(path + suffix);
        }

        Interlocked.Exchange(ref _legacyDepth, 0);
        LogLegacyDrained(_logger, drained, inserted);
        return inserted;
    }

    private List<PricedCall> ReadLegacyOutbox()
    {
        try
        {
            using var legacy = OpenLegacyOutbox();
            return legacy is null ? [] : ReadLegacyRows(legacy, long.MinValue, int.MaxValue).ConvertAll(r => r.Call);
        }
        catch (SqliteException)
        {
            return []; // drained and deleted meanwhile: its rows are in the ledger
        }
    }

    private long CountLegacyRows()
    {
        try
        {
            using var legacy = OpenLegacyOutbox();
            if (legacy is null)
            {
                return 0;
            }

            using var command = legacy.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM outbox";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException ex)
        {
            LogFlushFailed(_logger, "sqlite", ex.Message);
            return 0; // the drain on start reports it again
        }
    }

    // A SQLite outbox left by an older version, opened read-only; null when there is none or it holds no outbox table.
    private SqliteConnection? OpenLegacyOutbox()
    {
        var path = Path.GetFullPath(_options.EffectiveOutboxPath);
        if (!File.Exists(path))
        {
            return null;
        }

        var legacy = SqliteStores.Open(path, _options.LedgerBusyTimeout, readOnly: true);
        if (HasOutboxTable(legacy))
        {
            return legacy;
        }

        legacy.Dispose();
        return null;
    }

    private static bool HasOutboxTable(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'";
        return command.ExecuteScalar() is not null;
    }

    private static List<(long Seq, PricedCall Call)> ReadLegacyRows(SqliteConnection connection, long after, int limit)
    {
        var rows = new List<(long, PricedCall)>();
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT seq, payload FROM outbox WHERE seq > $after ORDER BY seq LIMIT $n";
        read.Parameters.AddWithValue("$after", after);
        read.Parameters.AddWithValue("$n", limit);
        using var reader = read.ExecuteReader();
        while (reader.Read())
        {
            var call = JsonSerializer.Deserialize(reader.GetString(1), MeteringJsonContext.Default.PricedCall)
                ?? throw new InvalidDataException("Empty outbox payload.");
            rows.Add((reader.GetInt64(0), call));
        }

        return rows;
    }

    // Framing and checksums only: depth counts what a flush would move.
    private static int CountRecords(string path)
    {
        try
        {
            return OutboxFormat.Scan(OutboxFiles.Read(path, -1)).Records;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0; // the flush reads it again and reports the fault
        }
    }

    // Returns rows inserted; the rest were refused by the (request id, attempt) key.
    private int InsertIntoLedger(List<PricedCall> rows)
    {
        var inserted = _store.Insert(rows);
        if (rows.Count > inserted)
        {
            GatewayMetrics.LedgerDuplicatesRefused.Inc(rows.Count - inserted);
            LogDuplicatesRefused(_logger, rows.Count - inserted);
        }

        return inserted;
    }

    private void TryEnsureLedger()
    {
        try
        {
            _store.EnsureSchema();
        }
        catch (Exception ex) when (IsFlushFault(ex))
        {
            // The ledger may be locked or unavailable at start; records still reach the outbox and flush later.
            LogFlushFailed(_logger, _store.Kind, ex.Message);
        }
    }

    private void CloseFlushConnections() => _store.ResetConnection();

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Ledger flush failed ({Store}): {Error}; records stay in the outbox and are retried")]
    private static partial void LogFlushFailed(ILogger logger, string store, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Metering outbox write failed for {Count} records: {Error}")]
    private static partial void LogOutboxFailed(ILogger logger, int count, string error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Flushed {Count} outbox records left by a previous run into the ledger")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Ledger refused {Count} duplicate (request_id, attempt) records")]
    private static partial void LogDuplicatesRefused(ILogger logger, int count);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Outbox segment {Segment} ends with a record cut short at offset {Offset} ({Bytes} bytes, never acknowledged); skipped")]
    private static partial void LogTornTail(ILogger logger, string segment, int offset, int bytes);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Outbox segment {Segment} is corrupt at offset {Offset} ({Bytes} bytes from there not flushed); the {Records} records before it were flushed and the file is kept as {Segment}.corrupt")]
    private static partial void LogCorruptSegment(ILogger logger, string segment, int offset, int bytes, int records);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Drained a legacy SQLite outbox: {Rows} rows, {Inserted} new in the ledger; the file was deleted")]
    private static partial void LogLegacyDrained(ILogger logger, int rows, int inserted);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Could not cut a failed write off outbox segment {Segment}: {Error}; the segment is sealed and read only up to its last acknowledged record")]
    private static partial void LogTruncateFailed(ILogger logger, string segment, string error);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Parked {Count} outbox records in Redis at shutdown: the {Store} ledger could not be reached; a running replica moves them into it")]
    private static partial void LogParked(ILogger logger, int count, string store);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Could not park {Count} outbox records in Redis at shutdown ({Error}); they stay in the outbox for the next start on this volume")]
    private static partial void LogParkingFailed(ILogger logger, long count, string error);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The last flush into the {Store} ledger did not finish within {Seconds} s at shutdown; {Count} records stay in the outbox for the next start on this volume")]
    private static partial void LogShutdownFlushHung(ILogger logger, string store, long count, double seconds);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Moved {Count} records parked in Redis by a stopped replica into the ledger")]
    private static partial void LogUnparked(ILogger logger, int count);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Could not read parked outbox records from Redis ({Error}); retried later")]
    private static partial void LogUnparkFailed(ILogger logger, string error);

    private sealed record PendingRecord(PricedCall Call, TaskCompletionSource Done);

    /// <summary>A positioned write of a whole commit, as <see cref="RandomAccess.Write(SafeFileHandle, ReadOnlySpan{byte}, long)"/>.</summary>
    internal delegate void OutboxWrite(SafeFileHandle handle, ReadOnlySpan<byte> data, long offset);

    // One segment file. Length is the bytes known to hold whole, acknowledged records (-1: written by an earlier run,
    // read whole); Records is what it adds to the depth; Committed is how many of its records a flush that failed
    // partway already put in the ledger, so the retry does not count them as duplicates.
    private sealed class OutboxSegment(long seq, string path)
    {
        public long Seq { get; } = seq;

        public string Path { get; } = path;

        public SafeFileHandle? Handle { get; set; }

        public long Length { get; set; }

        public int Records { get; set; }

        public int Committed { get; set; }

        // The records this process appended, in order, while it may keep them (null: read the file).
        public List<PricedCall>? Kept { get; set; }
    }
}
