using System.Net;
using Daalu.Console.Tests.Infrastructure;
using Daalu.Router.WebConsole;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Console.Tests.Http;

/// <summary>The console login's failure throttle over HTTP against a real router of its own (its clock is a FakeTimeProvider).</summary>
public sealed class LoginThrottleHttpTests
{
    [Fact]
    public async Task Login_TenFailuresFromOneAddress_429WithRetryAfterEvenForAValidKey_ThenOpensAfterTheWindow()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        await using var router = await SmallConsoleRouter.StartAsync(new ConsoleOptions { Time = time });
        using var client = ConsoleClient.Anonymous(router.BaseUrl);

        for (var i = 0; i < 10; i++)
        {
            // Different keys (different prefixes): only the address bucket fills.
            using var failed = await client.PostFormAsync("/console/login", new() { ["key"] = $"guess-{i:00}-abcdefgh" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        using var throttled = await client.PostFormAsync("/console/login", new() { ["key"] = SmallConsoleRouter.TenantKey });
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        // The first failure was at t=0 and the clock is at t=10 s: the window (60 s) opens again in 50 s.
        Assert.Equal(TimeSpan.FromSeconds(50), throttled.Headers.RetryAfter?.Delta);
        Assert.Contains("Too many failed logins. Try again in 50 seconds.", await throttled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(throttled.Headers.Contains("Set-Cookie"));

        time.Advance(TimeSpan.FromSeconds(49));
        using var stillThrottled = await client.PostFormAsync("/console/login", new() { ["key"] = SmallConsoleRouter.TenantKey });
        Assert.Equal(HttpStatusCode.TooManyRequests, stillThrottled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), stillThrottled.Headers.RetryAfter?.Delta);

        time.Advance(TimeSpan.FromSeconds(1));
        using var open = await client.PostFormAsync("/console/login", new() { ["key"] = SmallConsoleRouter.TenantKey });
        Assert.Equal(HttpStatusCode.Redirect, open.StatusCode);
        Assert.Equal("/console/factory", open.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Login_NineFailures_ValidKeyStillLogsIn()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        await using var router = await SmallConsoleRouter.StartAsync(new ConsoleOptions { Time = time });
        using var client = ConsoleClient.Anonymous(router.BaseUrl);
        for (var i = 0; i < 9; i++)
        {
            using var failed = await client.PostFormAsync("/console/login", new() { ["key"] = "wrong-key-" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var ok = await client.PostFormAsync("/console/login", new() { ["key"] = SmallConsoleRouter.TenantKey });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
    }
}
