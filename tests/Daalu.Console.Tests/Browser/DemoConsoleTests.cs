using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Daalu.Console.Tests.Infrastructure;
using Daalu.Gateway.Metering;
using Daalu.Router.Hosting.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Daalu.Console.Tests.Browser;

/// <summary>
/// The console on the `demo` (no GPU: simulated vLLM engines that serve vLLM's /metrics, and a simulated dcgm-exporter
/// per card), in Chromium: calls made with the demo keys show up live. The Owner sees its own card online, its hardware
/// view and its backends' live vLLM view; the Consumer only
/// usage panels; the admin every tenant with its derived role. Billing charts equal GET /v1/usage and count the calls.
/// Screenshots go to the test output's console-screenshots/demo-*.png.
/// </summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class DemoConsoleTests(BrowserHost browser)
{
    private const int OwnerChats = 3;
    private const int OwnerCoding = 2;

    [SkippableFact]
    public async Task Demo_OwnerConsumerAdmin_LiveBackendsAndBillingCountTheCalls()
    {
        Skip.If(BrowserHost.SkipReason is not null, BrowserHost.SkipReason);
        var dir = Directory.CreateTempSubdirectory("daalu-console-demo-").FullName;
        try
        {
            await using var demo = await DemoHost.StartAsync("http://127.0.0.1:0", dataDir: dir);
            using var http = new HttpClient { BaseAddress = new Uri(demo.Router.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
            for (var i = 0; i < OwnerChats; i++)
            {
                await ChatAsync(http, DemoSetup.OwnerKey, "auto", "chat");
            }

            for (var i = 0; i < OwnerCoding; i++)
            {
                await ChatAsync(http, DemoSetup.OwnerKey, "coding", "coding");
            }

            await ChatAsync(http, DemoSetup.ConsumerKey, "auto", "chat");
            await demo.Router.Services.GetRequiredService<SqliteLedger>().FlushAsync();
            var consoleUrl = demo.Router.BaseUrl + "/console";

            // Owner: its own RTX 2000 Ada is online, the live view reads the simulators' vLLM /metrics.
            var owner = await LoginAsync(consoleUrl, DemoSetup.OwnerKey);
            Assert.Equal("Owner", await owner.GetByTestId("role").InnerTextAsync());
            await Assertions.Expect(owner.GetByTestId("gpu-status")).ToContainTextAsync("Online: 2 of 2");
            foreach (var panel in new[] { "hardware", "backends", "diagnostics" })
            {
                Assert.Equal(1, await owner.Locator($"[data-panel={panel}]").CountAsync());
            }

            await Assertions.Expect(owner.Locator("#backends-table[data-loaded=true]")).ToHaveCountAsync(1);
            var backends = owner.GetByTestId("backends-table");
            foreach (var name in new[] { "own-general", "own-coding" })
            {
                var row = backends.Locator("tr", new LocatorLocatorOptions { HasText = name });
                await Assertions.Expect(row).ToHaveCountAsync(1);
                var cells = row.Locator("td");
                Assert.Equal("yes", await cells.Nth(2).InnerTextAsync()); // reachable
                Assert.EndsWith(" %", await cells.Nth(6).InnerTextAsync(), StringComparison.Ordinal); // KV cache from vllm:kv_cache_usage_perc
            }

            await Assertions.Expect(backends).Not.ToContainTextAsync("pool-general");

            // The card's hardware view from the demo's simulated dcgm-exporter: the two engines' 0.45 shares of 16 GiB.
            await Assertions.Expect(owner.Locator("#hardware-table[data-loaded=true]")).ToHaveCountAsync(1);
            var hardware = owner.GetByTestId("hardware-table");
            await Assertions.Expect(hardware.Locator("tr", new LocatorLocatorOptions { HasText = "NVIDIA RTX 2000 Ada Generation" })).ToHaveCountAsync(2);
            await Assertions.Expect(hardware).ToContainTextAsync("14746 / 16384 MiB");
            await Assertions.Expect(hardware).Not.ToContainTextAsync("RTX 6000");
            await Shot(owner, "demo-factory-owner");
            var ownerUsage = await UsageAsync(http, DemoSetup.OwnerKey);
            Assert.Equal(OwnerChats + OwnerCoding, ownerUsage["totals"]!["requests"]!.GetValue<long>());
            Assert.Equal((OwnerChats + OwnerCoding).ToString(CultureInfo.InvariantCulture), await owner.GetByTestId("usage-requests").InnerTextAsync());
            await owner.GotoAsync(consoleUrl + "/billing");
            await BillingChartCheck.AssertMatchesUsageAsync(owner, ownerUsage);
            var classes = await ClassTokensAsync(owner);
            Assert.True(classes.GetValueOrDefault("chat") > 0 && classes.GetValueOrDefault("coding") > 0, "the chart holds the chat and the coding calls just made");
            await Shot(owner, "demo-billing-owner");

            // Consumer: no card, only usage panels; its one call is counted.
            var consumer = await LoginAsync(consoleUrl, DemoSetup.ConsumerKey);
            Assert.Equal("Consumer", await consumer.GetByTestId("role").InnerTextAsync());
            foreach (var panel in new[] { "hardware", "backends", "diagnostics", "pool-served", "invitation" })
            {
                Assert.Equal(0, await consumer.Locator($"[data-panel={panel}]").CountAsync());
            }

            Assert.Equal(1, await consumer.Locator("[data-panel=usage]").CountAsync());
            Assert.Equal("1", await consumer.GetByTestId("usage-requests").InnerTextAsync());
            Assert.Equal(403, await consumer.EvaluateAsync<int>("() => fetch('/console/api/backends', { credentials: 'same-origin' }).then(r => r.status)"));
            await Shot(consumer, "demo-factory-consumer");
            await consumer.GotoAsync(consoleUrl + "/billing");
            await BillingChartCheck.AssertMatchesUsageAsync(consumer, await UsageAsync(http, DemoSetup.ConsumerKey));
            await Shot(consumer, "demo-billing-consumer");

            // Admin: every demo tenant with its derived role; the all-tenants chart counts all the calls.
            var admin = await LoginAsync(consoleUrl, DemoSetup.AdminKey);
            Assert.Equal("Admin", await admin.GetByTestId("role").InnerTextAsync());
            await Shot(admin, "demo-factory-admin");
            await admin.GotoAsync(consoleUrl + "/admin");
            var roles = new Dictionary<string, string> { ["demo-owner"] = "Owner", ["demo-provider"] = "Provider", ["demo-consumer"] = "Consumer" };
            foreach (var (tenant, role) in roles)
            {
                await Assertions.Expect(admin.Locator($"tr[data-tenant={tenant}] td").Nth(1)).ToHaveTextAsync(role);
            }

            await Shot(admin, "demo-admin-tenants");
            await admin.GotoAsync(consoleUrl + "/billing");
            var all = await UsageAsync(http, DemoSetup.AdminKey);
            Assert.Equal(OwnerChats + OwnerCoding + 1, all["totals"]!["requests"]!.GetValue<long>());
            await BillingChartCheck.AssertMatchesUsageAsync(admin, all);
            await Shot(admin, "demo-billing-admin");
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task<IPage> LoginAsync(string consoleUrl, string key)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(consoleUrl + "/login");
        await page.Locator("#key").FillAsync(key);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync("**/console/factory");
        return page;
    }

    /// <summary>Tokens per request class in the billing chart, summed over days and tiers.</summary>
    private static async Task<Dictionary<string, long>> ClassTokensAsync(IPage page)
    {
        var chart = await BillingChartCheck.ChartDataAsync(page, "chart-billing");
        return chart["datasets"]!.AsArray()
            .GroupBy(ds => ds!["stack"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => g.Sum(ds => ds!["data"]!.AsArray().Sum(v => v!.GetValue<long>())));
    }

    private static async Task ChatAsync(HttpClient http, string key, string model, string requestClass)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","max_tokens":16,"messages":[{"role":"user","content":"Hello from the console demo test"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("X-Daalu-Request-Class", requestClass);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"demo call ({requestClass}) failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonNode> UsageAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/usage?days=7");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserHost.ScreenshotDir, name + ".png"), FullPage = true });
}
