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
/// when it settles if Redis is back by then. A settle or release that cannot reach Redis is retried from a local
/// queue on later calls; if it never lands, the reservation is reclaimed by its TTL on the server.
/// </summary>
public sealed partial class RedisQuotaGate : IQuotaGate, IAsyncDisposable, IDisposable
{
    private const string UnmeteredPrefix = "unmetered-";
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CircuitBreaker _breaker;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly System.Collections.Concurrent.ConcurrentQueue<(Reservation Reservation, long Actual)> _retry = new();

    /// <summary>Creates the gate; connects lazily and never blocks the constructor on Redis.</summary>
    public RedisQuotaGate(GatewayOptions options, TimeProvider time, ILogger<RedisQuotaGate> logger)
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
        var config = ConfigurationOptions.Parse(options.RedisUrl);
        var ms = Math.Max(1, (int)options.RedisTimeout.TotalMilliseconds);
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = ms;
        config.SyncTimeout = ms;
        config.AsyncTimeout = ms;
        config.ConnectRetry = 1;
        config.KeepAlive = 5;
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(config));
        _ = _connection.Value; // start connecting now so the first admission does not pay for the handshake
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
        RedisResult? result;
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
            _retry.Enqueue((new Reservation(plan.Tenant, id, tokens, period, minute), -1));
            throw;
        }

        if (result is null)
        {
            // The script may still run on the server (a paused Redis executes what it already received), so a
            // compensating release of this id is queued; closing is idempotent, so it is harmless if it never ran.
            _retry.Enqueue((new Reservation(plan.Tenant, id, tokens, period, minute), -1));
            if (_options.RedisFailureMode == RedisFailureMode.FailOpen)
            {
                return Admission.Admit(new Reservation(plan.Tenant, UnmeteredPrefix + id, tokens, period, minute));
            }

            GatewayMetrics.QuotaRefusals.WithLabels(plan.Tenant, QuotaRefusalReasons.QuotaStoreUnavailable, "false").Inc();
            return Admission.Refuse(QuotaRefusalReasons.QuotaStoreUnavailable,
                "The shared quota store is unavailable; hosted admission is refused until it is back (fail-closed).");
        }

        await DrainRetriesAsync().ConfigureAwait(false);
        var values = (RedisResult[])result!;
        var admitted = (long)values[0] == 1;
        var reason = (string?)values[1];
        var usage = new QuotaUsage((long)values[2], (long)values[3], (long)values[4], (long)values[5]);
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
            _retry.Enqueue((reservation, actualTokens));
        }
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (!await CloseAsync(reservation, -1).ConfigureAwait(false))
        {
            _retry.Enqueue((reservation, -1));
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

    /// <summary>Settlements and releases waiting to be retried because Redis was unavailable.</summary>
    public int PendingRetries => _retry.Count;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await _connection.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<bool> CloseAsync(Reservation reservation, long actual)
    {
        // Settle and release ignore the caller's token: a cancelled call is exactly when the release must happen.
        if (reservation.Id.StartsWith(UnmeteredPrefix, StringComparison.Ordinal))
        {
            if (actual <= 0)
            {
                return true;
            }

            var now = _time.GetUtcNow();
            return await RunAsync("settle", QuotaScripts.AddSpend,
                [BaseKey(reservation.Tenant), reservation.Period, actual, PeriodTtlSeconds(reservation.Period, now)],
                CancellationToken.None).ConfigureAwait(false) is not null;
        }

        var result = await RunAsync(actual < 0 ? "release" : "settle", QuotaScripts.Close,
            [BaseKey(reservation.Tenant), reservation.Id, actual], CancellationToken.None).ConfigureAwait(false);
        return result is not null;
    }

    private async Task DrainRetriesAsync()
    {
        for (var i = 0; i < 16 && _retry.TryDequeue(out var item); i++)
        {
            if (!await CloseAsync(item.Reservation, item.Actual).ConfigureAwait(false))
            {
                _retry.Enqueue(item);
                return;
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

    private static long PeriodTtlSeconds(string period, DateTimeOffset now) =>
        Math.Max(3600, (long)(QuotaMath.PeriodEnd(period) - now).TotalSeconds) + (62L * 24 * 3600);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Redis quota store {Operation} failed ({Fault}); policy {Policy}")]
    private static partial void LogStoreFault(ILogger logger, string operation, string fault, RedisFailureMode policy);
}
