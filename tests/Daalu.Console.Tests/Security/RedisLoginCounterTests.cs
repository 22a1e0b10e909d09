using Daalu.Gateway.Redis;
using Daalu.Router.WebConsole;
using Daalu.Router.WebConsole.Security;
using Daalu.TestDoubles.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Console.Tests.Security;

/// <summary>
/// The login counter's Lua scripts and breaker against a real redis-server (skips with a one-line reason without it;
/// .ci/run installs it). The window is the key's TTL on Redis's clock; the breaker's open period is on the fake clock.
/// </summary>
public sealed class RedisLoginCounterTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static RedisLoginCounter Counter(ConsoleRedisConnection redis, TimeProvider time) =>
        new(redis, "test:", new CircuitBreaker(3, TimeSpan.FromSeconds(5), time), NullLogger.Instance);

    [SkippableFact]
    public async Task TryCountAsync_LimitReached_RefusedWithTheKeysTtlAndNothingMoreCounted()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var server = await RedisServer.StartAsync();
        await using var redis = new ConsoleRedisConnection(server.Url, TimeSpan.FromSeconds(2));
        var counter = Counter(redis, new FakeTimeProvider());
        string[] buckets = ["ip:192.0.2.1", "key:guess-000-abc"];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(TimeSpan.Zero, await counter.TryCountAsync(buckets, 3, Minute, CancellationToken.None));
        }

        var wait = await counter.TryCountAsync(buckets, 3, Minute, CancellationToken.None);
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(50), Minute);

        // Refused attempts count nothing; the bucket name is stored hashed, never readable.
        var db = await redis.DatabaseAsync();
        Assert.Equal(3, (long)await db.StringGetAsync(counter.KeyOf("ip:192.0.2.1")));
        Assert.DoesNotContain("192.0.2.1", counter.KeyOf("ip:192.0.2.1"), StringComparison.Ordinal);
        Assert.InRange((await db.KeyTimeToLiveAsync(counter.KeyOf("ip:192.0.2.1")))!.Value, TimeSpan.FromSeconds(50), Minute);

        // A fresh address with the same key prefix is refused too: the prefix's bucket is full.
        Assert.NotEqual(TimeSpan.Zero, await counter.TryCountAsync(["ip:192.0.2.2", "key:guess-000-abc"], 3, Minute, CancellationToken.None));
        Assert.Equal(TimeSpan.Zero, await counter.TryCountAsync(["ip:192.0.2.2", "key:other-000-abc"], 3, Minute, CancellationToken.None));
    }

    [SkippableFact]
    public async Task UncountAsync_TakesOneBackNeverBelowZero_WindowKept()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var server = await RedisServer.StartAsync();
        await using var redis = new ConsoleRedisConnection(server.Url, TimeSpan.FromSeconds(2));
        var counter = Counter(redis, new FakeTimeProvider());
        string[] buckets = ["ip:192.0.2.1"];
        Assert.Equal(TimeSpan.Zero, await counter.TryCountAsync(buckets, 10, Minute, CancellationToken.None));
        Assert.True(await counter.UncountAsync(buckets, CancellationToken.None));
        Assert.True(await counter.UncountAsync(buckets, CancellationToken.None));

        var db = await redis.DatabaseAsync();
        Assert.Equal(0, (long)await db.StringGetAsync(counter.KeyOf("ip:192.0.2.1")));
        Assert.InRange((await db.KeyTimeToLiveAsync(counter.KeyOf("ip:192.0.2.1")))!.Value, TimeSpan.FromSeconds(50), Minute);
    }

    [SkippableFact]
    public async Task TryCountAsync_RedisStopped_UnavailableThenTheBreakerSkipsRedisUntilItsOpenPeriodEnds()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var server = await RedisServer.StartAsync();
        await using var redis = new ConsoleRedisConnection(server.Url, TimeSpan.FromMilliseconds(500));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var counter = Counter(redis, time);
        string[] buckets = ["ip:192.0.2.1"];
        // Precondition, not the behaviour under test: the client has finished its first connect. With a 500 ms bound a
        // cold process on a busy machine can still be connecting at the first count (CI saw it once), which would open
        // the breaker before Redis is ever stopped.
        await WaitUntilConnectedAsync(redis);
        Assert.Equal(TimeSpan.Zero, await counter.TryCountAsync(buckets, 10, Minute, CancellationToken.None));

        await server.StopAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await counter.TryCountAsync(buckets, 10, Minute, CancellationToken.None));
        }

        // Redis is back, but the breaker is open: no call goes to it until its open period has passed.
        await server.StartProcessAsync();
        Assert.Null(await counter.TryCountAsync(buckets, 10, Minute, CancellationToken.None));
        Assert.False(await counter.UncountAsync(buckets, CancellationToken.None));
        var db = await redis.DatabaseAsync();

        // After the open period one probe goes through; the client may still be reconnecting, so probe until it
        // answers (each failed probe opens the breaker again, hence the advance every round).
        TimeSpan? counted = null;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (counted is null && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            counted = await counter.TryCountAsync(buckets, 10, Minute, CancellationToken.None);
            if (counted is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(TimeSpan.Zero, counted);
        // The count made before the stop survived it (append-only file) and this one was added to it.
        Assert.Equal(2, (long)await db.StringGetAsync(counter.KeyOf("ip:192.0.2.1")));
    }

    private static async Task WaitUntilConnectedAsync(ConsoleRedisConnection redis)
    {
        var db = await redis.DatabaseAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!db.Multiplexer.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(db.Multiplexer.IsConnected, "redis-server did not accept the client's connection within 15 s");
    }
}
