using System.Net;
using Daalu.Console.Tests.Infrastructure;
using Daalu.Gateway;
using Daalu.Router.WebConsole;
using Daalu.TestDoubles.Redis;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Console.Tests.Sessions;

/// <summary>
/// Two router replicas (two real hosts) sharing one real redis-server, as a Deployment with replicas > 1 and
/// GatewayOptions.RedisUrl runs: a console session made on one is valid on the other, and a logout on either revokes
/// it on both. Skips with a one-line reason without redis-server (.ci/run installs it).
/// </summary>
public sealed class SharedSessionTests
{
    private static HttpClient CookieOnly(string baseUrl) =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };

    private static async Task<HttpStatusCode> UsageStatusAsync(string baseUrl, string sessionId)
    {
        using var http = CookieOnly(baseUrl);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console/api/usage");
        request.Headers.Add("Cookie", $"{ConsoleApp.CookieName}={sessionId}");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [SkippableFact]
    public async Task Login_OnOneReplica_ValidOnTheOther_LogoutOnTheOtherRevokesOnBoth()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var options = new ConsoleOptions { Time = time };
        await using var a = await SmallConsoleRouter.StartAsync(options, new GatewayOptions { RedisUrl = redis.Url });
        await using var b = await SmallConsoleRouter.StartAsync(options, new GatewayOptions { RedisUrl = redis.Url });

        using var onA = ConsoleClient.Anonymous(a.BaseUrl);
        using var login = await onA.PostFormAsync("/console/login", new() { ["key"] = SmallConsoleRouter.TenantKey });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var sessionId = onA.Cookies.GetCookies(new Uri(a.BaseUrl + "/console/"))[ConsoleApp.CookieName]!.Value;

        // Replica B never saw the login: it reads the session from Redis.
        Assert.Equal(HttpStatusCode.OK, await UsageStatusAsync(b.BaseUrl, sessionId));
        Assert.Equal(HttpStatusCode.OK, await UsageStatusAsync(a.BaseUrl, sessionId));

        // Log out on B (its page gives the CSRF token the form must echo; the Origin is B's).
        using var onB = CookieOnly(b.BaseUrl);
        using var pageRequest = new HttpRequestMessage(HttpMethod.Get, "/console/factory");
        pageRequest.Headers.Add("Cookie", $"{ConsoleApp.CookieName}={sessionId}");
        using var page = await onB.SendAsync(pageRequest);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("team-small", html, StringComparison.Ordinal);
        var csrf = System.Text.RegularExpressions.Regex.Match(html, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(csrf);
        using var logoutRequest = new HttpRequestMessage(HttpMethod.Post, "/console/logout") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = csrf }) };
        logoutRequest.Headers.Add("Cookie", $"{ConsoleApp.CookieName}={sessionId}");
        logoutRequest.Headers.Add("Origin", b.BaseUrl);
        using var logout = await onB.SendAsync(logoutRequest);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal("/console/login?loggedout=1", logout.Headers.Location?.OriginalString);

        Assert.Equal(HttpStatusCode.Unauthorized, await UsageStatusAsync(a.BaseUrl, sessionId));
        Assert.Equal(HttpStatusCode.Unauthorized, await UsageStatusAsync(b.BaseUrl, sessionId));
    }

    [SkippableFact]
    public async Task Session_IdleOnEveryReplica_ExpiresOnBoth()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var options = new ConsoleOptions { Time = time, IdleTimeout = TimeSpan.FromMinutes(30) };
        await using var a = await SmallConsoleRouter.StartAsync(options, new GatewayOptions { RedisUrl = redis.Url });
        await using var b = await SmallConsoleRouter.StartAsync(options, new GatewayOptions { RedisUrl = redis.Url });
        using var onA = ConsoleClient.Anonymous(a.BaseUrl);
        using var login = await onA.PostFormAsync("/console/login", new() { ["key"] = SmallConsoleRouter.TenantKey });
        var sessionId = onA.Cookies.GetCookies(new Uri(a.BaseUrl + "/console/"))[ConsoleApp.CookieName]!.Value;

        // Activity on B keeps the session alive for A too (one last-seen time, in Redis).
        time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, await UsageStatusAsync(b.BaseUrl, sessionId));
        time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, await UsageStatusAsync(a.BaseUrl, sessionId));

        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(HttpStatusCode.Unauthorized, await UsageStatusAsync(b.BaseUrl, sessionId));
        Assert.Equal(HttpStatusCode.Unauthorized, await UsageStatusAsync(a.BaseUrl, sessionId));
    }

    [Fact]
    public void CleanupTtl_AbsoluteTimeoutNear_ShorterThanIdle()
    {
        var t0 = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromMinutes(30), Daalu.Router.WebConsole.Sessions.RedisSessionStore.CleanupTtl(t0, t0, TimeSpan.FromMinutes(30), TimeSpan.FromHours(8)));
        Assert.Equal(TimeSpan.FromMinutes(10), Daalu.Router.WebConsole.Sessions.RedisSessionStore.CleanupTtl(t0, t0.AddMinutes(470), TimeSpan.FromMinutes(30), TimeSpan.FromHours(8)));
    }
}
