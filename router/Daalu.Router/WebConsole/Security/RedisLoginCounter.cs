using System.Security.Cryptography;
using System.Text;
using Daalu.Gateway.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Daalu.Router.WebConsole.Security;

/// <summary>
/// Login attempt counts in the router's Redis, so the throttle holds across replicas: one counter per bucket under
/// <c>&lt;prefix&gt;console:login:{login}:&lt;SHA-256 of the bucket&gt;</c> (a key prefix is part of a secret and an
/// address is personal data: neither is stored readable). Checking and counting are one Lua script, so parallel
/// attempts on several replicas cannot all pass a check made before any of them counted. A counter's window is its key's
/// TTL, set when its first count creates it (INCR, then PEXPIRE while the key has none): Redis's clock decides when it
/// ends, never a replica's, so clock skew between replicas changes nothing (Redis documents the fixed-window counter
/// as INCR + EXPIRE, https://redis.io/docs/latest/commands/incr/, "Pattern: Rate limiter"). Every call is bounded by the
/// console's Redis timeout and goes through the same consecutive-failure breaker as the quota gate
/// (GatewayOptions.BreakerFailureThreshold, BreakerOpenDuration): while Redis is down, a login costs no Redis round
/// trip at all and <see cref="LoginGate"/> falls back to the replica's own throttle.
/// A count is not idempotent: a script Redis runs after the caller timed out counts one attempt more (stricter, never
/// laxer), and a take-back that cannot reach Redis is not retried (a good login then counts as one failure).
/// </summary>
internal sealed partial class RedisLoginCounter : ISharedLoginCounter
{
    // KEYS: the buckets' counters. ARGV[1]: limit, ARGV[2]: window in ms. 0 when counted, else the ms until the
    // latest-ending full bucket expires. A counter without a TTL (only if someone wrote it by hand) gets one, so no
    // bucket stays closed forever.
    internal const string CountScript = """
        local limit = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local wait = 0
        for _, key in ipairs(KEYS) do
          if tonumber(redis.call('GET', key) or '0') >= limit then
            local ttl = redis.call('PTTL', key)
            if ttl == -1 then
              redis.call('PEXPIRE', key, window)
              ttl = window
            end
            if ttl > wait then wait = ttl end
          end
        end
        if wait > 0 then return wait end
        for _, key in ipairs(KEYS) do
          redis.call('INCR', key)
          if redis.call('PTTL', key) == -1 then redis.call('PEXPIRE', key, window) end
        end
        return 0
        """;

    // KEYS: the buckets' counters. One count less in each that still has one (DECR keeps the TTL).
    internal const string UncountScript = """
        for _, key in ipairs(KEYS) do
          if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
        end
        return 0
        """;

    private readonly ConsoleRedisConnection _redis;
    private readonly string _keyPrefix;
    private readonly CircuitBreaker _breaker;
    private readonly ILogger _logger;

    public RedisLoginCounter(ConsoleRedisConnection redis, string keyPrefix, CircuitBreaker breaker, ILogger logger)
    {
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _breaker = breaker ?? throw new ArgumentNullException(nameof(breaker));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        // One hash tag for every login counter: a script's keys must share a slot on Redis Cluster.
        _keyPrefix = keyPrefix + "console:login:{login}:";
    }

    /// <summary>The Redis key of a bucket.</summary>
    public string KeyOf(string bucket) => _keyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bucket)));

    public async Task<TimeSpan?> TryCountAsync(IReadOnlyList<string> buckets, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var result = await RunAsync("count", CountScript, buckets,
            [limit, Math.Max(1, (long)window.TotalMilliseconds)]).ConfigureAwait(false);
        return result is null ? null : TimeSpan.FromMilliseconds((long)result);
    }

    public async Task<bool> UncountAsync(IReadOnlyList<string> buckets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        return await RunAsync("uncount", UncountScript, buckets, []).ConfigureAwait(false) is not null;
    }

    // Not cancelled with the request: a call the breaker let through must end in OnSuccess or OnFailure, or a
    // half-open breaker would wait for its probe forever. The timeout bounds it instead.
    private async Task<RedisResult?> RunAsync(string operation, string script, IReadOnlyList<string> buckets, RedisValue[] args)
    {
        if (!_breaker.TryAcquire())
        {
            return null;
        }

        try
        {
            var db = await _redis.DatabaseAsync().WaitAsync(_redis.Timeout).ConfigureAwait(false);
            var keys = buckets.Select(b => (RedisKey)KeyOf(b)).ToArray();
            var result = await db.ScriptEvaluateAsync(script, keys, args).WaitAsync(_redis.Timeout).ConfigureAwait(false);
            _breaker.OnSuccess();
            return result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _breaker.OnFailure();
            LogUnavailable(_logger, operation, ex.Message);
            return null;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Console login throttle store (Redis) unavailable on {Operation}: {Message}; this replica counts failed logins on its own until it answers")]
    private static partial void LogUnavailable(ILogger logger, string operation, string message);
}
