using System.Net;
using System.Text.Json.Nodes;
using Daalu.Console.Tests.Infrastructure;

namespace Daalu.Console.Tests.Http;

/// <summary>Authorization and session rules over plain HTTP against the real router: what the server refuses, whatever a browser would show.</summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class ConsoleHttpTests(ConsoleWorld world)
{
    [Theory]
    [InlineData("/console")]
    [InlineData("/console/")]
    public async Task Root_WithAndWithoutSlash_RedirectsToLoginOrFactory(string path)
    {
        using var anonymous = ConsoleClient.Anonymous(world);
        using var before = await anonymous.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, before.StatusCode);
        Assert.Equal("/console/login", before.Headers.Location?.OriginalString);

        using var owner = await ConsoleClient.LoginAsync(world, ConsoleWorld.OwnerKey);
        using var after = await owner.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/console/factory", after.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Login_WrongKey_Unauthorized()
    {
        using var client = ConsoleClient.Anonymous(world);
        using var response = await client.PostFormAsync("/console/login", new() { ["key"] = "not-a-key" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Login_CrossOrigin_Forbidden()
    {
        using var client = ConsoleClient.Anonymous(world);
        using var response = await client.PostFormAsync("/console/login", new() { ["key"] = ConsoleWorld.OwnerKey }, origin: "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Login_ValidKey_HttpOnlySameSiteStrictCookieScopedToConsole()
    {
        using var client = ConsoleClient.Anonymous(world);
        using var response = await client.PostFormAsync("/console/login", new() { ["key"] = ConsoleWorld.OwnerKey });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/factory", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("daalu_console=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/console", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ConsoleWorld.OwnerKey, cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HardwareJson_Consumer_Forbidden()
    {
        using var client = await ConsoleClient.LoginAsync(world, ConsoleWorld.ConsumerKey);
        var scrapesBefore = world.OwnerDcgm.Scrapes + world.ProviderDcgm.Scrapes;
        using var hardware = await client.Http.GetAsync("/console/api/hardware");
        Assert.Equal(HttpStatusCode.Forbidden, hardware.StatusCode);
        using var backends = await client.Http.GetAsync("/console/api/backends");
        Assert.Equal(HttpStatusCode.Forbidden, backends.StatusCode);
        using var probe = await client.PostAsync("/console/api/diagnostics", client.CsrfToken);
        Assert.Equal(HttpStatusCode.Forbidden, probe.StatusCode);
        Assert.Equal(scrapesBefore, world.OwnerDcgm.Scrapes + world.ProviderDcgm.Scrapes);
    }

    [Fact]
    public async Task HardwareJson_NamingAnotherTenant_Forbidden()
    {
        using var client = await ConsoleClient.LoginAsync(world, ConsoleWorld.ConsumerKey);
        using var response = await client.Http.GetAsync("/console/api/hardware?tenant=team-owner");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var usage = await client.Http.GetAsync("/console/api/usage?tenant=team-owner");
        Assert.Equal(HttpStatusCode.Forbidden, usage.StatusCode);
        using var page = await client.Http.GetAsync("/console/billing?tenant=team-owner");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
    }

    [Fact]
    public async Task HardwareJson_Owner_DcgmExporterValuesOfItsOwnCardOnly()
    {
        using var client = await ConsoleClient.LoginAsync(world, ConsoleWorld.OwnerKey);
        var body = JsonNode.Parse(await client.Http.GetStringAsync("/console/api/hardware"))!;
        var backend = Assert.Single(body["backends"]!.AsArray())!;
        Assert.Equal("owner-card", backend["backend"]!.GetValue<string>());
        var gpu = Assert.Single(backend["gpus"]!.AsArray())!;
        Assert.Equal(87, gpu["utilizationPercent"]!.GetValue<double>());
        Assert.Equal(71, gpu["temperatureC"]!.GetValue<double>());
        Assert.Equal(43210, gpu["memoryUsedMiB"]!.GetValue<double>());
        Assert.Equal(5930, gpu["memoryFreeMiB"]!.GetValue<double>());
        Assert.Equal(281.5, gpu["powerW"]!.GetValue<double>());
        Assert.Equal(0, gpu["lastXid"]!.GetValue<double>());
        Assert.Equal("NVIDIA RTX 6000 Ada Generation", gpu["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task BackendsJson_Owner_LiveVllmView()
    {
        using var client = await ConsoleClient.LoginAsync(world, ConsoleWorld.OwnerKey);
        var body = JsonNode.Parse(await client.Http.GetStringAsync("/console/api/backends"))!;
        var b = Assert.Single(body["backends"]!.AsArray())!;
        Assert.Equal("owner-card", b["name"]!.GetValue<string>());
        Assert.Equal(0.42, b["kvCacheUsage"]!.GetValue<double>());
        Assert.Equal(3, b["running"]!.GetValue<double>());
        Assert.Equal(1, b["waiting"]!.GetValue<double>());
        Assert.Equal(50, b["meanTtftMs"]!.GetValue<double>(), 3);
        Assert.Contains(ConsoleWorld.Model, b["models"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task Diagnostics_CsrfAndRateLimit_EnforcedOnServer()
    {
        using var client = await ConsoleClient.LoginAsync(world, ConsoleWorld.ProviderKey);
        using (var noToken = await client.PostAsync("/console/api/diagnostics", csrf: null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        }

        using (var crossSite = await client.PostAsync("/console/api/diagnostics", client.CsrfToken, origin: "https://evil.example"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        }

        world.ConsoleTime.Advance(world.Options.DiagnosticsInterval);
        var callsBefore = world.ProviderCard.Calls.Count;
        using var first = await client.PostAsync("/console/api/diagnostics", client.CsrfToken);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var result = Assert.Single(JsonNode.Parse(await first.Content.ReadAsStringAsync())!["results"]!.AsArray())!;
        Assert.True(result["ok"]!.GetValue<bool>());
        Assert.Equal(ConsoleWorld.Model, result["model"]!.GetValue<string>());
        Assert.True(result["latencyMs"]!.GetValue<double>() > 0);
        Assert.Equal(callsBefore + 1, world.ProviderCard.Calls.Count);
        using var second = await client.PostAsync("/console/api/diagnostics", client.CsrfToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), second.Headers.RetryAfter?.Delta);
        Assert.Equal(callsBefore + 1, world.ProviderCard.Calls.Count);
    }

    [Fact]
    public async Task Logout_WithoutToken_ForbiddenAndSessionKept()
    {
        using var client = await ConsoleClient.LoginAsync(world, ConsoleWorld.OwnerKey);
        using (var forged = await client.PostFormAsync("/console/logout", new() { ["csrf"] = "forged" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }

        using (var still = await client.Http.GetAsync("/console/api/usage"))
        {
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }

        using (var logout = await client.PostFormAsync("/console/logout", new() { ["csrf"] = client.CsrfToken }))
        {
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        }

        using var after = await client.Http.GetAsync("/console/api/usage");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Login_Again_PreviousSessionEnds()
    {
        using var client = await ConsoleClient.LoginAsync(world, ConsoleWorld.OwnerKey);
        var first = client.Cookies.GetCookies(new Uri(world.ConsoleUrl + "/"))["daalu_console"]!.Value;
        using (var again = await client.PostFormAsync("/console/login", new() { ["key"] = ConsoleWorld.OwnerKey }))
        {
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        }

        var second = client.Cookies.GetCookies(new Uri(world.ConsoleUrl + "/"))["daalu_console"]!.Value;
        Assert.NotEqual(first, second);
        using var old = new HttpRequestMessage(HttpMethod.Get, "/console/api/usage");
        old.Headers.Add("Cookie", "daalu_console=" + first);
        using var plain = new HttpClient { BaseAddress = new Uri(world.BaseUrl) };
        using var response = await plain.SendAsync(old);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_NoSession_UnauthorizedAndPagesRedirectToLogin()
    {
        using var client = ConsoleClient.Anonymous(world);
        using var api = await client.Http.GetAsync("/console/api/usage");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using var page = await client.Http.GetAsync("/console/billing");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/console/login", page.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Assets_ChartLibraryEmbeddedAtBuildTime()
    {
        using var client = ConsoleClient.Anonymous(world);
        using var response = await client.Http.GetAsync("/console/assets/chart.umd.min.js");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var js = await response.Content.ReadAsStringAsync();
        Assert.Contains("Chart.js v4", js, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminPage_TenantKey_Forbidden()
    {
        using var client = await ConsoleClient.LoginAsync(world, ConsoleWorld.ProviderKey);
        using var response = await client.Http.GetAsync("/console/admin");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
