using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Daalu.Gateway.Usage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Gateway.Tests;

public sealed class UsageTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero));
    private GatewayOptions _options = null!;
    private StaticUsageDirectory _directory = null!;

    public async Task InitializeAsync()
    {
        _options = new GatewayOptions { LedgerPath = _dir.File("ledger.db") };
        _directory = new StaticUsageDirectory(
            [Plans.Of("consumer", budget: 100_000), Plans.Of("lender", budget: 50_000)],
            new Dictionary<string, TenantRole> { ["consumer"] = TenantRole.Consumer, ["lender"] = TenantRole.Provider },
            [new CommercialSku("gpt-4o", 2.50m, 10.00m), new CommercialSku("gpt-4o-mini", 0.15m, 0.60m)]);
        await using var ledger = new SqliteLedger(_options, NullLogger<SqliteLedger>.Instance);
        var today = _time.GetUtcNow();
        // consumer: hosted on the lender's card today, hosted pool yesterday, external today, one from 40 days ago
        await ledger.RecordAsync(Calls.Hosted("c1", "consumer", 1000, 500, contributor: "lender", share: 60, at: today.AddHours(-1)), default);
        await ledger.RecordAsync(Calls.Hosted("c2", "consumer", 2000, 1000, at: today.AddDays(-1)), default);
        await ledger.RecordAsync(Calls.External("c3", "consumer", 1000, 1000, at: today.AddHours(-2)), default);
        await ledger.RecordAsync(Calls.Hosted("c4", "consumer", 9000, 9000, at: today.AddDays(-40)), default);
        // lender: its own GPU for coding, and one hosted call of its own
        await ledger.RecordAsync(Calls.OwnGpu("l1", "lender", 3000, 2000) with { CompletedAt = today.AddHours(-3) }, default);
        await ledger.RecordAsync(Calls.Hosted("l2", "lender", 100, 100, at: today.AddHours(-3)), default);
        await ledger.FlushAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private UsageQueryService Service() => new(_options, _time, _directory);

    [Fact]
    public void Query_Consumer_SeesOnlyOwnRowsByDayTierClassAndNoCardData()
    {
        var report = Service().Query(new UsageQuery(new TenantIdentity("consumer", false), Days: 7));
        Assert.Equal("Consumer", report.Role);
        Assert.Equal(3, report.Totals.Requests); // the 40-day-old call is outside the window
        Assert.All(report.Rows, r => Assert.Null(r.Tenant));
        Assert.Equal(["2026-11-22|Hosted|chat", "2026-11-23|External|chat", "2026-11-23|Hosted|chat"],
            report.Rows.Select(r => $"{r.Day}|{r.Tier}|{r.RequestClass}"));
        Assert.Null(report.ProviderCredits); // a consumer never sees card-level data
        var json = JsonSerializer.Serialize(report);
        Assert.DoesNotContain("lender", json, StringComparison.Ordinal);
        Assert.DoesNotContain("card-", json, StringComparison.Ordinal);

        // spend: c1 0.0005, c2 (2000 x 0.2 + 1000 x 0.6)/1e6 = 0.001, c3 (1000 x 0.15 + 1000 x 0.6)/1e6 = 0.00075
        Assert.Equal(0.00225m, report.Totals.Spend);
        // commercial: c1 0.0075, c2 0.015, c3 0.0125
        Assert.Equal(0.035m, report.Totals.CommercialEquivalent);
        Assert.Equal(93.57m, report.Totals.SavingsPercent);
        // quota: hosted tokens this period, the 40-day-old call was in October
        Assert.Equal(new QuotaStatus("2026-11", 100_000, 4500, 95_500, false), report.Quota);
    }

    [Fact]
    public async Task Query_RowsWithoutReferencePrices_PricedAtTheFirstSkuSoRowsTotalsAndSkuAgree()
    {
        // A tenant with only its own GPU and no plan: the ledger has no commercial equivalent for its calls.
        await using (var ledger = new SqliteLedger(_options, NullLogger<SqliteLedger>.Instance))
        {
            await ledger.RecordAsync(Calls.OwnGpu("o1", "owner-only", 2000, 1000) with { CompletedAt = _time.GetUtcNow().AddHours(-1), Plan = null }, default);
            await ledger.FlushAsync();
        }

        var report = Service().Query(new UsageQuery(new TenantIdentity("owner-only", false), Days: 7));
        var row = Assert.Single(report.Rows);
        // gpt-4o: 2000 x 2.50 + 1000 x 10.00 per million = 0.015
        Assert.Equal((0.015m, 100m), (row.CommercialEquivalent, row.SavingsPercent));
        Assert.Equal((0.015m, 100m), (report.Totals.CommercialEquivalent, report.Totals.SavingsPercent));
        var sku = report.SkuComparison.Single(s => s.Sku == "gpt-4o");
        Assert.Equal((report.Totals.CommercialEquivalent, report.Totals.SavingsPercent), (sku.Cost, sku.SavingsPercent));
        Assert.Equal("gpt-4o", report.CommercialReferenceSku);
    }

    [Fact]
    public void Query_SkuComparison_PricesTheReportTokensOnEachSku()
    {
        var report = Service().Query(new UsageQuery(new TenantIdentity("consumer", false), Days: 7));
        // tokens: in 4000, out 2500
        var gpt4o = report.SkuComparison.Single(s => s.Sku == "gpt-4o");
        Assert.Equal(0.035m, gpt4o.Cost);
        var mini = report.SkuComparison.Single(s => s.Sku == "gpt-4o-mini");
        Assert.Equal(0.0021m, mini.Cost);
        Assert.Equal(-7.14m, mini.SavingsPercent); // the cheap SKU would have been cheaper: negative savings, shown honestly
    }

    [Fact]
    public void Query_Provider_SeesCreditsEarnedOnItsCardsWithoutConsumerNames()
    {
        var report = Service().Query(new UsageQuery(new TenantIdentity("lender", false), Days: 7));
        Assert.Equal("Provider", report.Role);
        Assert.NotNull(report.ProviderCredits);
        var card = Assert.Single(report.ProviderCredits!.ByCard);
        Assert.Equal(("card-lender", 1L, 1500L, 0.0003m, (string?)null), (card.Backend, card.Requests, card.Tokens, card.Credit, card.Contributor));
        Assert.Equal(0.0003m, report.ProviderCredits.Total);
        Assert.DoesNotContain("consumer", JsonSerializer.Serialize(report), StringComparison.Ordinal);
        Assert.Equal(2, report.Totals.Requests); // its own calls only
        Assert.Contains(report.Rows, r => r is { Tier: "OwnGpu", RequestClass: "coding", Spend: 0m });
    }

    [Fact]
    public void Query_TenantAsksForAnother_IsRefused() =>
        Assert.Throws<UnauthorizedAccessException>(() => Service().Query(new UsageQuery(new TenantIdentity("consumer", false), 7, "lender")));

    [Fact]
    public void Query_Admin_SeesAllTenantsOrOne()
    {
        var all = Service().Query(new UsageQuery(new TenantIdentity("ops", true), Days: 60));
        Assert.Equal(6, all.Totals.Requests);
        Assert.Equal(["consumer", "lender"], all.Rows.Select(r => r.Tenant!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal("lender", Assert.Single(all.ProviderCredits!.ByCard).Contributor);
        var one = Service().Query(new UsageQuery(new TenantIdentity("ops", true), Days: 60, Tenant: "lender"));
        Assert.Equal(2, one.Totals.Requests);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(367)]
    public void Query_DaysOutOfRange_Throws(int days) =>
        Assert.Throws<ArgumentException>(() => Service().Query(new UsageQuery(new TenantIdentity("consumer", false), days)));

    [Fact]
    public async Task MapUsageApi_OverHttp_AuthScopesAndErrorsAreOpenAiShaped()
    {
        var auth = new HashedKeyAuthenticator(
            [new TenantKey("consumer", false, "sk-consumer"), new TenantKey("lender", false, "sk-lender"), new TenantKey("ops", true, "sk-ops")]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton<IUsageDirectory>(_directory);
        builder.Services.AddDaaluGateway(_options);
        await using var app = builder.Build();
        // Stands for the router's auth step: bearer key -> TenantIdentity, kept in HttpContext.Items.
        app.Use(async (context, next) =>
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (header.StartsWith("Bearer ", StringComparison.Ordinal) && auth.Authenticate(header.AsSpan(7)) is { } id)
            {
                context.Items["tenant"] = id;
            }

            await next();
        });
        app.MapUsageApi(context => context.Items["tenant"] as TenantIdentity);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        async Task<(HttpStatusCode, JsonElement)> Get(string key, string query)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/usage" + query);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var (ok, body) = await Get("sk-consumer", "?days=7");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("consumer", body.GetProperty("tenant").GetString());
        Assert.Equal(3, body.GetProperty("totals").GetProperty("requests").GetInt64());
        Assert.Equal(95_500, body.GetProperty("quota").GetProperty("left").GetInt64());

        var (unauth, err) = await Get("sk-wrong", "");
        Assert.Equal(HttpStatusCode.Unauthorized, unauth);
        Assert.Equal("invalid_api_key", err.GetProperty("error").GetProperty("code").GetString());

        var (forbidden, err403) = await Get("sk-consumer", "?tenant=lender");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal("permission_error", err403.GetProperty("error").GetProperty("type").GetString());

        var (bad, err400) = await Get("sk-consumer", "?days=abc");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("days", err400.GetProperty("error").GetProperty("param").GetString());

        var (admin, all) = await Get("sk-ops", "?days=60&tenant=lender");
        Assert.Equal(HttpStatusCode.OK, admin);
        Assert.Equal(2, all.GetProperty("totals").GetProperty("requests").GetInt64());
        await app.StopAsync();
    }
}
