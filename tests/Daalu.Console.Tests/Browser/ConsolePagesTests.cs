using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Console.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Daalu.Console.Tests.Browser;

/// <summary>
/// The console in Chromium: each role logs in, sees exactly its panels, charts carry the ledger's numbers (checked
/// against GET /v1/usage), the SKU picker shows the configured prices, logout and expiry end the session.
/// Screenshots of every page per role go to the test output's console-screenshots/.
/// </summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class ConsolePagesTests(ConsoleWorld world, BrowserHost browser)
{
    private static readonly string[] HardwarePanels = ["hardware", "backends", "diagnostics"];

    [SkippableFact]
    public async Task Owner_FactoryAndBilling_HardwareShownPoolServedNot()
    {
        var page = await LoginAsync(ConsoleWorld.OwnerKey);
        Assert.Equal("Owner", await page.GetByTestId("role").InnerTextAsync());
        foreach (var panel in HardwarePanels)
        {
            Assert.Equal(1, await Panel(page, panel).CountAsync());
        }

        Assert.Equal(0, await Panel(page, "pool-served").CountAsync());
        Assert.Equal(0, await Panel(page, "invitation").CountAsync());
        await Assertions.Expect(page.GetByTestId("hardware-table")).ToContainTextAsync("87 %");
        await Assertions.Expect(page.GetByTestId("hardware-table")).ToContainTextAsync("71 °C");
        await Assertions.Expect(page.GetByTestId("hardware-table")).ToContainTextAsync("43210 / 49140 MiB");
        await Assertions.Expect(page.GetByTestId("backends-table")).ToContainTextAsync("42.0 %");
        await Assertions.Expect(page.GetByTestId("gpu-status")).ToContainTextAsync("Online");
        await Shot(page, "factory-owner");
        await page.GotoAsync(world.ConsoleUrl + "/billing");
        await AssertBillingMatchesUsageApiAsync(page, ConsoleWorld.OwnerKey);
        await Shot(page, "billing-owner");
    }

    [SkippableFact]
    public async Task Provider_Factory_PoolServedAndCreditsMatchLedger()
    {
        var page = await LoginAsync(ConsoleWorld.ProviderKey);
        Assert.Equal("Provider", await page.GetByTestId("role").InnerTextAsync());
        foreach (var panel in HardwarePanels.Append("pool-served"))
        {
            Assert.Equal(1, await Panel(page, panel).CountAsync());
        }

        var usage = await world.UsageApiAsync(ConsoleWorld.ProviderKey);
        var credit = usage["providerCredits"]!["total"]!.GetValue<decimal>();
        Assert.True(credit > 0, "the consumer's hosted calls ran on the provider's shared card and are credited");
        Assert.Equal("$" + credit.ToString("0.000000", CultureInfo.InvariantCulture), await page.GetByTestId("pool-credit").InnerTextAsync());
        var served = await ChartDataAsync(page, "chart-pool-served");
        var expectedTokens = usage["providerCredits"]!["byCard"]!.AsArray().Sum(c => c!["tokens"]!.GetValue<long>());
        Assert.Equal(expectedTokens, served["datasets"]![0]!["data"]!.AsArray().Sum(v => v!.GetValue<long>()));
        await Assertions.Expect(page.GetByTestId("hardware-table")).ToContainTextAsync("XID 79");
        await Shot(page, "factory-provider");

        // Diagnostics from the page: one tiny completion through the card, shown with its latency and model.
        world.ConsoleTime.Advance(world.Options.DiagnosticsInterval);
        await page.GetByTestId("run-diagnostics").ClickAsync();
        await Assertions.Expect(page.GetByTestId("diagnostics-result")).ToContainTextAsync("ok");
        await Assertions.Expect(page.GetByTestId("diagnostics-result")).ToContainTextAsync(ConsoleWorld.Model);
        await Shot(page, "factory-provider-diagnostics");

        await page.GotoAsync(world.ConsoleUrl + "/billing");
        Assert.Equal("$" + credit.ToString("0.000000", CultureInfo.InvariantCulture), await page.GetByTestId("credits-total").InnerTextAsync());
        await AssertBillingMatchesUsageApiAsync(page, ConsoleWorld.ProviderKey);
        await Shot(page, "billing-provider");
    }

    [SkippableFact]
    public async Task Consumer_Factory_UsageOnlyNoHardwareAndHardwareJsonForbidden()
    {
        var page = await LoginAsync(ConsoleWorld.ConsumerKey);
        Assert.Equal("Consumer", await page.GetByTestId("role").InnerTextAsync());
        foreach (var panel in HardwarePanels.Append("pool-served").Append("invitation"))
        {
            Assert.Equal(0, await Panel(page, panel).CountAsync());
        }

        Assert.Equal(0, await page.Locator("#chart-gpu-util, #chart-kv-cache, [data-testid=hardware-table]").CountAsync());
        var html = await page.ContentAsync();
        Assert.DoesNotContain("DCGM", html, StringComparison.Ordinal);
        Assert.DoesNotContain("provider-card", html, StringComparison.Ordinal);

        var usage = await world.UsageApiAsync(ConsoleWorld.ConsumerKey);
        var totals = usage["totals"]!;
        Assert.Equal((totals["tokensIn"]!.GetValue<long>() + totals["tokensOut"]!.GetValue<long>()).ToString("N0", CultureInfo.InvariantCulture), await page.GetByTestId("usage-tokens").InnerTextAsync());
        Assert.Equal(totals["requests"]!.GetValue<long>().ToString("N0", CultureInfo.InvariantCulture), await page.GetByTestId("usage-requests").InnerTextAsync());
        var quota = usage["quota"]!;
        Assert.Equal($"{quota["left"]!.GetValue<long>().ToString("N0", CultureInfo.InvariantCulture)} of {quota["budget"]!.GetValue<long>().ToString("N0", CultureInfo.InvariantCulture)}", await page.GetByTestId("usage-quota-left").InnerTextAsync());
        Assert.EndsWith(" ms", await page.GetByTestId("usage-latency").InnerTextAsync(), StringComparison.Ordinal);
        var tiers = await ChartDataAsync(page, "chart-tier-usage");
        Assert.Equal(totals["requests"]!.GetValue<long>(), tiers["datasets"]![0]!["data"]!.AsArray().Sum(v => v!.GetValue<long>()));

        // The page's own session asks for hardware data directly: the server refuses.
        var status = await page.EvaluateAsync<int>("() => fetch('/console/api/hardware', { credentials: 'same-origin' }).then(r => r.status)");
        Assert.Equal(403, status);
        await Shot(page, "factory-consumer");

        await page.GotoAsync(world.ConsoleUrl + "/billing");
        Assert.Equal(0, await Panel(page, "credits").CountAsync());
        await AssertBillingMatchesUsageApiAsync(page, ConsoleWorld.ConsumerKey);
        await AssertSkuPickerMatchesPricesAsync(page, usage);
        await Shot(page, "billing-consumer");
    }

    [SkippableFact]
    public async Task None_Factory_InvitedToConnectOrEnrol()
    {
        var page = await LoginAsync(ConsoleWorld.NoneKey);
        Assert.Equal("None", await page.GetByTestId("role").InnerTextAsync());
        Assert.Equal(1, await Panel(page, "invitation").CountAsync());
        await Assertions.Expect(Panel(page, "invitation")).ToContainTextAsync("Connect a card");
        await Assertions.Expect(Panel(page, "invitation")).ToContainTextAsync("Enrol in the hosted pool");
        foreach (var panel in HardwarePanels)
        {
            Assert.Equal(0, await Panel(page, panel).CountAsync());
        }

        await Shot(page, "factory-none");
        await page.GotoAsync(world.ConsoleUrl + "/billing");
        await AssertBillingMatchesUsageApiAsync(page, ConsoleWorld.NoneKey);
        await Shot(page, "billing-none");
    }

    [SkippableFact]
    public async Task Admin_AllTenants_EveryRoleListedAndChartsMatchLedger()
    {
        var page = await LoginAsync(ConsoleWorld.AdminKey);
        Assert.Equal("Admin", await page.GetByTestId("role").InnerTextAsync());
        Assert.Equal(1, await Panel(page, "hardware").CountAsync());
        await Assertions.Expect(page.GetByTestId("hardware-table")).ToContainTextAsync("owner-card");
        await Assertions.Expect(page.GetByTestId("hardware-table")).ToContainTextAsync("provider-card");
        await Shot(page, "factory-admin");

        await page.GotoAsync(world.ConsoleUrl + "/admin");
        var roles = new Dictionary<string, string> { ["team-owner"] = "Owner", ["team-provider"] = "Provider", ["team-consumer"] = "Consumer", ["team-none"] = "None" };
        foreach (var (tenant, role) in roles)
        {
            await Assertions.Expect(page.Locator($"tr[data-tenant={tenant}] td").Nth(1)).ToHaveTextAsync(role);
        }

        await Shot(page, "admin-tenants");
        await page.GotoAsync(world.ConsoleUrl + "/billing");
        await AssertBillingMatchesUsageApiAsync(page, ConsoleWorld.AdminKey);
        await Shot(page, "billing-admin");

        // Looking at one tenant shows that tenant's role view: a Consumer's, so no hardware even for an admin.
        await page.GotoAsync(world.ConsoleUrl + "/factory?tenant=team-consumer");
        Assert.Equal("Consumer", await page.GetByTestId("role").InnerTextAsync());
        Assert.Equal(0, await Panel(page, "hardware").CountAsync());
        await page.GotoAsync(world.ConsoleUrl + "/billing?tenant=team-consumer");
        await AssertBillingMatchesUsageApiAsync(page, ConsoleWorld.AdminKey, "team-consumer");
    }

    [SkippableFact]
    public async Task Logout_ThenPagesNeedLoginAgain()
    {
        var page = await LoginAsync(ConsoleWorld.OwnerKey);
        await page.GetByTestId("logout").ClickAsync();
        await page.WaitForURLAsync("**/console/login?loggedout=1");
        await Assertions.Expect(page.GetByTestId("login-message")).ToHaveTextAsync("You are logged out.");
        await Shot(page, "login-logged-out");
        await page.GotoAsync(world.ConsoleUrl + "/factory");
        Assert.EndsWith("/console/login", page.Url, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task SessionExpiry_AfterIdleTimeout_BackToLoginWithReason()
    {
        var page = await LoginAsync(ConsoleWorld.ConsumerKey);
        world.ConsoleTime.Advance(world.Options.IdleTimeout);
        await page.GotoAsync(world.ConsoleUrl + "/billing");
        Assert.EndsWith("/console/login?expired=1", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("login-message")).ToContainTextAsync("expired");
        var status = await page.EvaluateAsync<int>("() => fetch('/console/api/usage', { credentials: 'same-origin' }).then(r => r.status)");
        Assert.Equal(401, status);
    }

    private async Task<IPage> LoginAsync(string key)
    {
        Skip.If(BrowserHost.SkipReason is not null, BrowserHost.SkipReason);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(world.ConsoleUrl + "/login");
        await page.Locator("#key").FillAsync(key);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync("**/console/factory");
        return page;
    }

    private static ILocator Panel(IPage page, string name) => page.Locator($"[data-panel={name}]");

    private static Task<JsonNode> ChartDataAsync(IPage page, string canvasId) => BillingChartCheck.ChartDataAsync(page, canvasId);

    /// <summary>Every (day, tier, class) bar segment equals the usage API's tokens for it, and nothing is missing.</summary>
    private async Task AssertBillingMatchesUsageApiAsync(IPage page, string key, string? tenant = null) =>
        await BillingChartCheck.AssertMatchesUsageAsync(page, await world.UsageApiAsync(key, 7, tenant));

    /// <summary>Each SKU's cost on the page is the period's tokens at that model's configured prices.</summary>
    private async Task AssertSkuPickerMatchesPricesAsync(IPage page, JsonNode usage)
    {
        var tin = usage["totals"]!["tokensIn"]!.GetValue<long>();
        var tout = usage["totals"]!["tokensOut"]!.GetValue<long>();
        var models = world.Config.Providers.SelectMany(p => p.Models.Select(m => (Sku: $"{p.Name}/{m.Name}", m.InputPricePerMTok, m.OutputPricePerMTok))).ToList();
        Assert.Equal(2, models.Count);
        foreach (var (sku, input, output) in models)
        {
            await page.GetByTestId("sku-select").SelectOptionAsync(sku);
            var cost = (tin * input + tout * output) / 1_000_000m;
            Assert.Equal(input.ToString(CultureInfo.InvariantCulture), await page.GetByTestId("sku-input-price").InnerTextAsync());
            Assert.Equal(output.ToString(CultureInfo.InvariantCulture), await page.GetByTestId("sku-output-price").InnerTextAsync());
            Assert.Equal("$" + cost.ToString("0.000000", CultureInfo.InvariantCulture), await page.GetByTestId("sku-cost").InnerTextAsync());
        }
    }

    private static async Task Shot(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserHost.ScreenshotDir, name + ".png"), FullPage = true });
    }
}
