using System.Net;
using Daalu.Console.Tests.Infrastructure;
using Daalu.Gateway;
using Daalu.Router.WebConsole;
using Daalu.TestDoubles.Redis;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Console.Tests.Security;

/// <summary>
/// The console's login throttle across two router replicas (two real hosts) sharing one real redis-server, as a
/// Deployment with replicas > 1 and GatewayOptions.RedisUrl runs (both see the client as 127.0.0.1: one address
/// bucket). Skips with a one-line reason without redis-server (.ci/run installs it).
/// </summary>
public sealed class SharedLoginThrottleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static async Task<HttpStatusCode> LoginAsync(ConsoleClient client, string key)
    {
        using var response = await client.PostFormAsync("/console/login", new() { ["key"] = key });
        return response.StatusCode;
    }

    [SkippableFact]
    public async Task Login_TenFailuresSpreadOverTwoReplicas_EleventhOnEitherIs429WithRetryAfter()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var redis = await RedisServer.StartAsync();
        // The replicas' clocks are an hour apart: the shared window is Redis's TTL, so the skew changes nothing.
        await using var a = await SmallConsoleRouter.StartAsync(new ConsoleOptions { Time = new FakeTimeProvider(T0) }, new GatewayOptions { RedisUrl = redis.Url });
        await using var b = await SmallConsoleRouter.StartAsync(new ConsoleOptions { Time = new FakeTimeProvider(T0.AddHours(1)) }, new GatewayOptions { RedisUrl = redis.Url });
        using var onA = ConsoleClient.Anonymous(a.BaseUrl);
        using var onB = ConsoleClient.Anonymous(b.BaseUrl);

        for (var i = 0; i < 10; i++)
        {
            // Different key prefixes: only the address's bucket fills, five failures on each replica.
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(i % 2 == 0 ? onA : onB, $"guess-{i:00}-abcdefgh"));
        }

        foreach (var (client, key) in new[] { (onA, "guess-10-abcdefgh"), (onB, "guess-11-abcdefgh"), (onB, SmallConsoleRouter.TenantKey) })
        {
            using var throttled = await client.PostFormAsync("/console/login", new() { ["key"] = key });
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.InRange(throttled.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
            Assert.False(throttled.Headers.Contains("Set-Cookie"));
        }
    }

    [SkippableFact]
    public async Task Login_SharedWindowEnds_OpensAgainOnBothReplicas()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var redis = await RedisServer.StartAsync();
        // A short window: Redis's TTL runs on real time (the replicas' fake clocks never move here).
        var options = new ConsoleOptions { Time = new FakeTimeProvider(T0), LoginFailureLimit = 3, LoginFailureWindow = TimeSpan.FromSeconds(3) };
        await using var a = await SmallConsoleRouter.StartAsync(options, new GatewayOptions { RedisUrl = redis.Url });
        await using var b = await SmallConsoleRouter.StartAsync(options, new GatewayOptions { RedisUrl = redis.Url });
        using var onA = ConsoleClient.Anonymous(a.BaseUrl);
        using var onB = ConsoleClient.Anonymous(b.BaseUrl);
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(onA, "guess-00-abcdefgh"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(onB, "guess-01-abcdefgh"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(onA, "guess-02-abcdefgh"));

        using var throttled = await onB.PostFormAsync("/console/login", new() { ["key"] = SmallConsoleRouter.TenantKey });
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var retryAfter = throttled.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));

        // Retry-After is the key's TTL rounded up: once it has passed, Redis has dropped the count.
        await Task.Delay(retryAfter.Value + TimeSpan.FromMilliseconds(50));
        Assert.Equal(HttpStatusCode.Redirect, await LoginAsync(onB, SmallConsoleRouter.TenantKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(onA, "guess-03-abcdefgh"));
    }

    [SkippableFact]
    public async Task Login_RedisStopped_EachReplicasOwnThrottleStillApplies()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(T0);
        // A short Redis timeout keeps the calls made before each replica's breaker opens quick.
        var options = new ConsoleOptions { Time = time, SessionStoreTimeout = TimeSpan.FromMilliseconds(500) };
        await using var a = await SmallConsoleRouter.StartAsync(options, new GatewayOptions { RedisUrl = redis.Url });
        await using var b = await SmallConsoleRouter.StartAsync(options, new GatewayOptions { RedisUrl = redis.Url });
        using var onA = ConsoleClient.Anonymous(a.BaseUrl);
        using var onB = ConsoleClient.Anonymous(b.BaseUrl);
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(onA, "guess-00-abcdefgh"));

        await redis.StopAsync();
        for (var i = 1; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(onA, $"guess-{i:00}-abcdefgh"));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // Replica A counted all ten itself (the first while Redis was up): closed, failing open to its own throttle.
        using var throttled = await onA.PostFormAsync("/console/login", new() { ["key"] = "guess-10-abcdefgh" });
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(51), throttled.Headers.RetryAfter?.Delta);

        // Replica B saw none of them: per replica only while Redis is down (documented in docs/console.md).
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(onB, "guess-11-abcdefgh"));
    }
}
