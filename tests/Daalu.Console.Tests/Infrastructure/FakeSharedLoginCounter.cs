using Daalu.Router.WebConsole.Security;

namespace Daalu.Console.Tests.Infrastructure;

/// <summary>
/// An in-memory stand-in for <see cref="RedisLoginCounter"/> in unit tests of <see cref="LoginGate"/>. It follows the
/// counter's Lua scripts and the Redis commands they use as Redis documents them (https://redis.io/docs/latest/commands/incr/
/// "Pattern: Rate limiter", PEXPIRE, PTTL, DECR: a key's TTL is kept by INCR and DECR and ends it on the server's
/// clock): a bucket's window starts with its first count and lasts the window on the store's own clock
/// (storeTime, standing in for Redis's); a full bucket refuses without counting and answers the time
/// left of the latest-ending full window; a take-back never goes below zero. <see cref="Available"/> = false answers
/// like the real counter when Redis is down or its breaker is open (null, false). The real scripts are checked against
/// a real redis-server in RedisLoginCounterTests and through two routers in SharedLoginThrottleTests.
/// </summary>
public sealed class FakeSharedLoginCounter(TimeProvider storeTime) : ISharedLoginCounter
{
    private readonly Dictionary<string, (long Count, DateTimeOffset EndsAt)> _buckets = new(StringComparer.Ordinal);

    public bool Available { get; set; } = true;

    /// <summary>Calls that reached the store (not those refused for being unavailable).</summary>
    public int Calls { get; private set; }

    public long CountOf(string bucket) => Live(bucket, storeTime.GetUtcNow()) is { } b ? b.Count : 0;

    public Task<TimeSpan?> TryCountAsync(IReadOnlyList<string> buckets, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        if (!Available)
        {
            return Task.FromResult<TimeSpan?>(null);
        }

        Calls++;
        var now = storeTime.GetUtcNow();
        var wait = TimeSpan.Zero;
        foreach (var bucket in buckets)
        {
            if (Live(bucket, now) is { } b && b.Count >= limit && b.EndsAt - now > wait)
            {
                wait = b.EndsAt - now;
            }
        }

        if (wait > TimeSpan.Zero)
        {
            return Task.FromResult<TimeSpan?>(wait);
        }

        foreach (var bucket in buckets)
        {
            _buckets[bucket] = Live(bucket, now) is { } b ? (b.Count + 1, b.EndsAt) : (1, now + window);
        }

        return Task.FromResult<TimeSpan?>(TimeSpan.Zero);
    }

    public Task<bool> UncountAsync(IReadOnlyList<string> buckets, CancellationToken cancellationToken)
    {
        if (!Available)
        {
            return Task.FromResult(false);
        }

        Calls++;
        var now = storeTime.GetUtcNow();
        foreach (var bucket in buckets)
        {
            if (Live(bucket, now) is { Count: > 0 } b)
            {
                _buckets[bucket] = (b.Count - 1, b.EndsAt);
            }
        }

        return Task.FromResult(true);
    }

    private (long Count, DateTimeOffset EndsAt)? Live(string bucket, DateTimeOffset now) =>
        _buckets.TryGetValue(bucket, out var b) && b.EndsAt > now ? b : null;
}
