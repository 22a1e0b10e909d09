using System.Globalization;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Quota;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Daalu.Gateway.Redis;

/// <summary>
/// The quota gate for several router replicas: counters and reservations live in Redis and every reserve,
/// settle and release is one Lua script, so limits hold across replicas. Every call is bounded by
/// <see cref="GatewayOptions.RedisTimeout"/>; consecutive failures open a circuit breaker. While Redis is
/// unavailable, <see cref="GatewayOptions.RedisFailureMode"/> decides: FailClosed refuses with
/// QuotaStoreUnavailable (never overspends), FailOpen admits an unmetered reservation whose actual spend is added
/// when it settles (once per reservation id: a replayed or retried add-spend changes nothing).
/// A settle, release or add-spend that cannot reach Redis goes to a <see cref="CounterRetryQueue"/> (durable next to the
/// metering outbox when <see cref="GatewayOptions.CounterOutboxPath"/> is set) that a background loop drains with
/// backoff, and once more at shutdown; what is still undelivered then is delivered by the next start. A reservation
/// whose close never lands is reclaimed by its TTL on the server.
/// When Redis lost a period's data (restart without persistence, failover to an empty replica), the reserve script
/// says so and the period's spend is rebuilt from the ledger (<c>ledgerSpent</c>) before any admission runs on it;
/// while the ledger cannot be read, the failure mode applies. A periodic reconciliation compares Redis spend with the
/// ledger for every tenant this replica admitted and exports the difference as <c>daalu_gateway_quota_drift_tokens</c>.
/// </summary>
public sealed partial class RedisQuotaGate : IQuotaGate, Microsoft.Extensions.Hosting.IHostedService, IAsyncDisposable, IDisposable
{
    private const string UnmeteredPrefix = "unmetered-";
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CircuitBreaker _breaker;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly CounterRetryQueue _retry;
    private readonly Func<string, string, long>? _ledgerSpent;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Tenant, string Period), Lazy<Task<bool>>> _seeding = new();
    // Rebuilds completed per (tenant, period): a caller that saw "Unseeded" before a rebuild finished does not read the ledger again.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Tenant, string Period), long> _seeded = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _tenants = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _disposed;

    /// <summary>Creates the gate; connects lazily and never blocks the constructor on Redis.</summary>
    /// <param name="options">Redis settings, failure mode, and where undelivered counter updates are kept.</param>
    /// <param name="time">Clock for the breaker, the retry backoff and the reconciliation.</param>
    /// <param name="logger">Log.</param>
    /// <param name="ledgerSpent">
    /// Hosted tokens a tenant spent in a period according to the ledger (tenant, period): rebuilds a period Redis lost
    /// and is the reference of the reconciliation. Null: a lost period starts again from 0 and nothing is reconciled.
    /// </param>
    public RedisQuotaGate(GatewayOptions options, TimeProvider time, ILogger<RedisQuotaGate> logger, Func<string, string, long>? ledgerSpent = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(options.RedisUrl))
        {
            throw new ArgumentException("GatewayOptions.RedisUrl is required for the Redis quota gate.", nameof(options));
        }

        _options = options;
        _time = time;
        _logger = logger;
        _breaker = new CircuitBreaker(Math.Max(1, options.BreakerFailureThreshold), options.BreakerOpenDuration, time);
        var config = BoundedRedisConfiguration.Parse(options.RedisUrl, options.RedisTimeout);
        config.KeepAlive = 5;
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(config));
        _ = _connection.Value; // start connecting now so the first admission does not pay for the handshake
        _ledgerSpent = ledgerSpent;
        _retry = new CounterRetryQueue(options.CounterOutboxPath);
        if (_retry.Loaded > 0)
        {
            LogLoaded(_logger, _retry.Loaded);
        }

        GatewayMetrics.CounterRetriesPending.Set(_retry.Count);
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>
    /// Waits until Redis answers (or <paramref name="cancellationToken"/> fires). Optional: call it at router startup
    /// so that the first admissions do not meet a cold connection; every other call is bounded by the timeout anyway.
    /// </summary>
    public async Task<bool> WaitUntilConnectedAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var connection = await _connection.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
                await connection.GetDatabase().PingAsync().WaitAsync(_options.RedisTimeout * 4, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        return false;
    }

    /// <summary>Whether the breaker currently short-circuits calls.</summary>
    public bool CircuitOpen => _breaker.IsOpen;

    /// <inheritdoc />
    public async ValueTask<Admission> ReserveAsync(TenantPlan plan, long tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var period = QuotaMath.PeriodOf(now);
        var minute = QuotaMath.MinuteOf(now);
        var id = Ids.UniqueIds.Next();
        _tenants.TryAdd(plan.Tenant, 0);
        RedisResult? result;
        var seededBefore = _seeded.GetValueOrDefault((plan.Tenant, period));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                result = await RunAsync("reserve", QuotaScripts.Reserve,
                [
                    BaseKey(plan.Tenant), period, minute.ToString(CultureInfo.InvariantCulture), tokens, plan.MonthlyTokenBudget,
                    plan.TokensPerMinute, plan.RequestsPerMinute, plan.Enrolled ? 1 : 0, plan.ShadowMode ? 1 : 0, id,
                    now.ToUnixTimeMilliseconds(), (long)_options.ReservationTtl.TotalMilliseconds, PeriodTtlSeconds(period, now),
                ], cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The caller gave up while the script was in flight; it may still have reserved. Compensate.
                Retry(new Reservation(plan.Tenant, id, tokens, period, minute), -1);
                throw;
            }

            if (result is null)
            {
                // The script may still run on the server (a paused Redis executes what it already received), so a
                // compensating release of this id is queued; closing is idempotent, so it is harmless if it never ran.
                Retry(new Reservation(plan.Tenant, id, tokens, period, minute), -1);
                return Unavailable(plan, id, tokens, period, minute);
            }

            // Redis lost this period (restart without persistence, failover): rebuild its spend from the ledger
            // before admitting anything on it, then run the reserve again.
            if ((string?)((RedisResult[])result!)[1] == "Unseeded" && attempt == 0)
            {
                if (!await SeedAsync(plan.Tenant, period, seededBefore).ConfigureAwait(false))
                {
                    return Unavailable(plan, id, tokens, period, minute);
                }

                continue;
            }

            break;
        }

        await DrainRetriesAsync().ConfigureAwait(false);
        var values = (RedisResult[])result!;
        var admitted = (long)values[0] == 1;
        var reason = (string?)values[1];
        var usage = new QuotaUsage((long)values[2], (long)values[3], (long)values[4], (long)values[5]);
        if (!admitted && reason is "Unseeded" or "Closed")
        {
            // Seeded and gone again at once, or an id the gate never reuses: both mean the store is not usable now.
            return Unavailable(plan, id, tokens, period, minute);
        }

        if (!string.IsNullOrEmpty(reason))
        {
            GatewayMetrics.QuotaRefusals.WithLabels(plan.Tenant, reason, admitted ? "true" : "false").Inc();
        }

        if (!admitted)
        {
            // Same rules as the script, so the message matches the server's decision.
            var decision = QuotaMath.Decide(plan with { ShadowMode = false }, usage, tokens);
            return Admission.Refuse(reason!, decision.Message ?? reason!);
        }

        GatewayMetrics.ReservedTokens.WithLabels(plan.Tenant).Set(usage.Reserved + tokens);
        return Admission.Admit(new Reservation(plan.Tenant, id, tokens, period, minute));
    }

    /// <inheritdoc />
    public async ValueTask SettleAsync(Reservation reservation, long actualTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentOutOfRangeException.ThrowIfNegative(actualTokens);
        if (!await CloseAsync(reservation, actualTokens).ConfigureAwait(false))
        {
            Retry(reservation, actualTokens);
        }
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (!await CloseAsync(reservation, -1).ConfigureAwait(false))
        {
            Retry(reservation, -1);
        }
    }

    /// <summary>Spent and reserved tokens of <paramref name="tenant"/> in <paramref name="period"/>, after reclaiming expired reservations.</summary>
    public async Task<(long Spent, long Reserved)?> ReadAsync(string tenant, string period)
    {
        await DrainRetriesAsync().ConfigureAwait(false);
        var result = await RunAsync("read", QuotaScripts.Read,
            [BaseKey(tenant), period, _time.GetUtcNow().ToUnixTimeMilliseconds()], CancellationToken.None).ConfigureAwait(false);
        if (result is null)
        {
            return null;
        }

        var values = (RedisResult[])result!;
        return ((long)values[0], (long)values[1]);
    }

    /// <summary>Settlements, releases and fail-open charges waiting to be retried because Redis was unavailable.</summary>
    public int PendingRetries => _retry.Count;

    /// <summary>Nothing to do at start: the gate connects and starts its retry loop when it is created.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Task.CompletedTask;
    }

    /// <summary>
    /// At shutdown: stops the retry loop and makes a last attempt to deliver what is queued, within
    /// <see cref="GatewayOptions.RedisTimeout"/> per update. What is still undelivered stays in the durable file
    /// (<see cref="GatewayOptions.CounterOutboxPath"/>) for the next start.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await DrainRetriesAsync(int.MaxValue).ConfigureAwait(false);
        if (_retry.Count > 0)
        {
            LogUndelivered(_logger, _retry.Count, _options.CounterOutboxPath ?? "(memory only)");
        }
    }

    /// <summary>
    /// Compares Redis spend with the ledger for every tenant this replica admitted, in the current period, and sets
    /// <c>daalu_gateway_quota_drift_tokens</c> (Redis minus ledger). Calls in flight and records not yet flushed from
    /// a replica's outbox show as a small, passing drift; a lasting one means the counter and the books disagree.
    /// Returns the drift per tenant (tenants Redis or the ledger could not answer for are left out).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> ReconcileAsync()
    {
        var drift = new Dictionary<string, long>(StringComparer.Ordinal);
        if (_ledgerSpent is null)
        {
            return drift;
        }

        var period = QuotaMath.PeriodOf(_time.GetUtcNow());
        foreach (var tenant in _tenants.Keys)
        {
            var redis = await ReadAsync(tenant, period).ConfigureAwait(false);
            if (redis is null)
            {
                continue;
            }

            long ledger;
            try
            {
                ledger = _ledgerSpent(tenant, period);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException or TimeoutException)
            {
                LogLedgerUnreadable(_logger, tenant, ex.Message);
                continue;
            }

            drift[tenant] = redis.Value.Spent - ledger;
            GatewayMetrics.QuotaDrift.WithLabels(tenant).Set(redis.Value.Spent - ledger);
        }

        return drift;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await _connection.Value.Result.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _wake.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Retry(Reservation reservation, long actual)
    {
        _retry.Enqueue(reservation, actual);
        GatewayMetrics.CounterRetriesPending.Set(_retry.Count);
        if (!_stopping.IsCancellationRequested)
        {
            _wake.Release();
        }
    }

    private Admission Unavailable(TenantPlan plan, string id, long tokens, string period, long minute)
    {
        if (_options.RedisFailureMode == RedisFailureMode.FailOpen)
        {
            return Admission.Admit(new Reservation(plan.Tenant, UnmeteredPrefix + id, tokens, period, minute));
        }

        GatewayMetrics.QuotaRefusals.WithLabels(plan.Tenant, QuotaRefusalReasons.QuotaStoreUnavailable, "false").Inc();
        return Admission.Refuse(QuotaRefusalReasons.QuotaStoreUnavailable,
            "The shared quota store is unavailable; hosted admission is refused until it is back (fail-closed).");
    }

    // One rebuild per (tenant, period) at a time in this replica; across replicas the seed script lets the first win.
    private async Task<bool> SeedAsync(string tenant, string period, long seededBefore)
    {
        if (_seeded.GetValueOrDefault((tenant, period)) != seededBefore)
        {
            return true; // rebuilt since this caller's script ran: its retry will find the period seeded
        }

        var lazy = _seeding.GetOrAdd((tenant, period), key => new Lazy<Task<bool>>(() => SeedOnceAsync(key.Tenant, key.Period)));
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        finally
        {
            _seeding.TryRemove(new KeyValuePair<(string, string), Lazy<Task<bool>>>((tenant, period), lazy));
        }
    }

    private async Task<bool> SeedOnceAsync(string tenant, string period)
    {
        long spent = 0;
        if (_ledgerSpent is not null)
        {
            try
            {
                // The ledger read is synchronous I/O: off the caller's thread, once per lost period.
                spent = await Task.Run(() => _ledgerSpent(tenant, period)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException or TimeoutException)
            {
                GatewayMetrics.QuotaStoreFaults.WithLabels("rebuild", "ledger_unavailable").Inc();
                LogLedgerUnreadable(_logger, tenant, ex.Message);
                return false;
            }
        }

        var now = _time.GetUtcNow();
        var result = await RunAsync("rebuild", QuotaScripts.Seed, [BaseKey(tenant), period, spent, PeriodTtlSeconds(period, now)], CancellationToken.None)
            .ConfigureAwait(false);
        if (result is null)
        {
            return false;
        }

        _seeded.AddOrUpdate((tenant, period), 1, (_, n) => n + 1);
        if ((long)result == 1)
        {
            GatewayMetrics.QuotaRebuilds.Inc();
            LogRebuilt(_logger, tenant, period, spent);
        }

        return true;
    }

    private async Task<bool> CloseAsync(Reservation reservation, long actual)
    {
        // Settle and release ignore the caller's token: a cancelled call is exactly when the release must happen.
        var now = _time.GetUtcNow();
        if (reservation.Id.StartsWith(UnmeteredPrefix, StringComparison.Ordinal))
        {
            if (actual <= 0)
            {
                return true;
            }

            return await RunAsync("settle", QuotaScripts.AddSpend,
                [BaseKey(reservation.Tenant), reservation.Period, actual, PeriodTtlSeconds(reservation.Period, now), reservation.Id, MarkerTtlMs(reservation.Period, now)],
                CancellationToken.None).ConfigureAwait(false) is not null;
        }

        // The marker outlives any reservation by an hour: a close retried within that window is recognised; one older
        // than that (a replica down for longer) is dropped rather than risk counting twice, and shows as drift.
        var result = await RunAsync(actual < 0 ? "release" : "settle", QuotaScripts.Close,
            [
                BaseKey(reservation.Tenant), reservation.Id, actual, (long)(_options.ReservationTtl + TimeSpan.FromHours(1)).TotalMilliseconds,
                reservation.Period, reservation.Minute * 60_000, now.ToUnixTimeMilliseconds(),
            ],
            CancellationToken.None).ConfigureAwait(false);
        if (result is null)
        {
            return false;
        }

        var values = (RedisResult[])result!;
        if ((long)values[0] == 1)
        {
            GatewayMetrics.ReservedTokens.WithLabels(reservation.Tenant).Set((long)values[1]);
        }

        return true;
    }

    private async Task DrainRetriesAsync(int limit = 16)
    {
        for (var i = 0; i < limit && _retry.TryTake(out var item); i++)
        {
            if (!await CloseAsync(item.Reservation, item.Actual).ConfigureAwait(false))
            {
                _retry.Failed(item);
                GatewayMetrics.CounterRetriesPending.Set(_retry.Count);
                return;
            }

            _retry.Done();
        }

        GatewayMetrics.CounterRetriesPending.Set(_retry.Count);
    }

    // Drains the retry queue in the background: at once when something is queued, then with a backoff doubling from
    // 100 ms to 5 s while Redis refuses; reconciles with the ledger every ReconcileInterval. Time from the injected clock.
    private async Task LoopAsync()
    {
        var token = _stopping.Token;
        var failures = 0;
        var nextReconcile = _time.GetUtcNow() + _options.ReconcileInterval;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var wait = _retry.Count == 0 ? nextReconcile - _time.GetUtcNow()
                    : failures == 0 ? TimeSpan.Zero
                    : TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(failures - 1, 6))));
                if (wait > TimeSpan.Zero)
                {
                    await WaitAsync(wait, wakeOnQueue: _retry.Count == 0, token).ConfigureAwait(false);
                }

                if (token.IsCancellationRequested)
                {
                    return;
                }

                if (_retry.Count > 0)
                {
                    var before = _retry.Count;
                    await DrainRetriesAsync(before).ConfigureAwait(false);
                    failures = _retry.Count >= before ? failures + 1 : 0;
                }

                if (_time.GetUtcNow() >= nextReconcile)
                {
                    nextReconcile = _time.GetUtcNow() + _options.ReconcileInterval;
                    await ReconcileAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidCastException or ObjectDisposedException)
            {
                failures++;
                LogStoreFault(_logger, "retry", ex.GetType().Name, _options.RedisFailureMode);
            }
        }
    }

    private async Task WaitAsync(TimeSpan delay, bool wakeOnQueue, CancellationToken token)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        Task[] waits = wakeOnQueue ? [Task.Delay(delay, _time, cts.Token), _wake.WaitAsync(cts.Token)] : [Task.Delay(delay, _time, cts.Token)];
        await Task.WhenAny(waits).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        foreach (var wait in waits)
        {
            try
            {
                await wait.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The wait that did not end it was cancelled.
            }
        }
    }

    /// <summary>Runs a script within the timeout; null on timeout, failure or open breaker (already counted).</summary>
    private async Task<RedisResult?> RunAsync(string operation, string script, RedisValue[] args, CancellationToken cancellationToken)
    {
        if (!_breaker.TryAcquire())
        {
            GatewayMetrics.QuotaStoreFaults.WithLabels(operation, "circuit_open").Inc();
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RedisTimeout);
        try
        {
            var connection = await _connection.Value.WaitAsync(timeout.Token).ConfigureAwait(false);
            var result = await connection.GetDatabase().ScriptEvaluateAsync(script, keys: null, values: args)
                .WaitAsync(timeout.Token).ConfigureAwait(false);
            _breaker.OnSuccess();
            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _breaker.OnFailure();
            GatewayMetrics.QuotaStoreFaults.WithLabels(operation, "timeout").Inc();
            LogStoreFault(_logger, operation, "timeout", _options.RedisFailureMode);
            return null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _breaker.OnFailure();
            GatewayMetrics.QuotaStoreFaults.WithLabels(operation, "error").Inc();
            LogStoreFault(_logger, operation, ex.GetType().Name, _options.RedisFailureMode);
            return null;
        }
    }

    private string BaseKey(string tenant) => _options.RedisKeyPrefix + "{" + tenant + "}";

    // A fail-open charge's marker lives as long as its period's counter: the durable retry file may replay it after a
    // long outage, and the marker is what makes that replay harmless.
    private static long MarkerTtlMs(string period, DateTimeOffset now) => PeriodTtlSeconds(period, now) * 1000;

    private static long PeriodTtlSeconds(string period, DateTimeOffset now) =>
        Math.Max(3600, (long)(QuotaMath.PeriodEnd(period) - now).TotalSeconds) + (62L * 24 * 3600);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Redis quota store {Operation} failed ({Fault}); policy {Policy}")]
    private static partial void LogStoreFault(ILogger logger, string operation, string fault, RedisFailureMode policy);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Redis had lost the quota counters of tenant {Tenant} for {Period}; rebuilt spend {Spent} from the ledger")]
    private static partial void LogRebuilt(ILogger logger, string tenant, string period, long spent);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Could not read the ledger for tenant {Tenant}: {Error}")]
    private static partial void LogLedgerUnreadable(ILogger logger, string tenant, string error);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Loaded {Count} undelivered quota counter updates from the previous run; delivering them")]
    private static partial void LogLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "{Count} quota counter updates could not reach Redis before shutdown; kept in {Path} for the next start")]
    private static partial void LogUndelivered(ILogger logger, int count, string path);
}
