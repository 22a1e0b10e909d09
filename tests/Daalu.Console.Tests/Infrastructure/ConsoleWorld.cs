using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using ProviderModel = Daalu.Contracts.RouterConfig.ProviderModel;
using Daalu.Gateway;
using Daalu.Gateway.Metering;
using Daalu.Router.Hosting;
using Daalu.Router.WebConsole;
using Daalu.TestDoubles.Dcgm;
using Daalu.TestDoubles.OpenAICompatible;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Console.Tests.Infrastructure;

/// <summary>
/// One real router on 127.0.0.1 with the real gateway (SQLite ledger in a temp dir) and the console mounted by
/// RouterHost, in front of test doubles: a vLLM double per card (an Owner's private card and a Provider's shared
/// card, each with a dcgm-exporter double), and an OpenAI double for the External tier. Five tenants, one per role
/// plus an admin, each sends traffic through the router, so the ledger holds every tier and request class.
/// The console's clock (sessions, diagnostics rate limit) is a FakeTimeProvider; the router's is the system clock.
/// </summary>
public sealed class ConsoleWorld : IAsyncLifetime
{
    public const string OwnerKey = "key-owner-0001";
    public const string ProviderKey = "key-provider-0002";
    public const string ConsumerKey = "key-consumer-0003";
    public const string NoneKey = "key-none-0004";
    public const string AdminKey = "key-admin-0005";
    public const string Model = "m-general";

    private string _dir = string.Empty;

    public FakeTimeProvider ConsoleTime { get; } = new(DateTimeOffset.UtcNow);

    public ConsoleOptions Options { get; private set; } = null!;

    public RunningRouter Router { get; private set; } = null!;

    public VllmDouble OwnerCard { get; private set; } = null!;

    public VllmDouble ProviderCard { get; private set; } = null!;

    public OpenAIDouble External { get; private set; } = null!;

    public DcgmExporterDouble OwnerDcgm { get; } = new();

    public DcgmExporterDouble ProviderDcgm { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    public string BaseUrl => Router.BaseUrl;

    public string ConsoleUrl => Router.BaseUrl + "/console";

    public RouterConfiguration Config { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("daalu-console-test-").FullName;
        OwnerCard = await VllmDouble.StartNewAsync("owner-card", Model);
        OwnerCard.KvCacheUsage = 0.42;
        OwnerCard.RequestsRunning = 3;
        OwnerCard.RequestsWaiting = 1;
        ProviderCard = await VllmDouble.StartNewAsync("provider-card", Model);
        ProviderCard.KvCacheUsage = 0.17;
        External = await OpenAIDouble.StartNewAsync("sk-ext", "gpt-ext");
        OwnerDcgm.Gpus.Add(new DcgmGpu { Index = "0", Uuid = "GPU-7f3a0001-0000-0000-0000-00000000aaaa", ModelName = "NVIDIA RTX 6000 Ada Generation", Utilization = 87, Temperature = 71, MemoryTemperature = 64, FramebufferUsedMiB = 43_210, FramebufferFreeMiB = 5_930, PowerWatts = 281.5, LastXid = 0 });
        ProviderDcgm.Gpus.Add(new DcgmGpu { Index = "0", Uuid = "GPU-7f3a0002-0000-0000-0000-00000000bbbb", ModelName = "NVIDIA RTX 2000 Ada Generation", Utilization = 35, Temperature = 58, FramebufferUsedMiB = 12_000, FramebufferFreeMiB = 4_380, PowerWatts = 52.25, LastXid = 79 });
        await OwnerDcgm.StartAsync();
        await ProviderDcgm.StartAsync();

        Config = new RouterConfiguration
        {
            Tenants =
            [
                new TenantConfig { Name = "team-owner", Keys = [new SecretSource { Value = OwnerKey }] },
                new TenantConfig { Name = "team-provider", Keys = [new SecretSource { Value = ProviderKey }] },
                new TenantConfig
                {
                    Name = "team-consumer",
                    Keys = [new SecretSource { Value = ConsumerKey }],
                    Plan = new TenantPlanConfig { MonthlyTokenBudget = 1_000_000, DefaultMaxTokens = 256, InputPerMTok = 0.5m, OutputPerMTok = 1.5m, ReferenceInputPerMTok = 2.5m, ReferenceOutputPerMTok = 10m },
                },
                new TenantConfig { Name = "team-none", Keys = [new SecretSource { Value = NoneKey }] },
                new TenantConfig { Name = "ops", Admin = true, Keys = [new SecretSource { Value = AdminKey }] },
            ],
            Backends =
            [
                new BackendConfig { Name = "owner-card", Tier = TierNames.OwnGpu, Tenant = "team-owner", Url = OwnerCard.BaseUrl, Models = [Model], DcgmExporterUrl = OwnerDcgm.MetricsUrl },
                new BackendConfig { Name = "provider-card", Tier = TierNames.OwnGpu, Tenant = "team-provider", Shared = true, RevenueSharePercent = 70, Url = ProviderCard.BaseUrl, Models = [Model], DcgmExporterUrl = ProviderDcgm.MetricsUrl },
            ],
            Providers =
            [
                new ProviderConfig
                {
                    Name = "openai",
                    ApiStyle = ApiStyles.OpenAI,
                    BaseUrl = External.ProviderBaseUrl,
                    ApiKey = new SecretSource { Value = "sk-ext" },
                    Models =
                    [
                        new ProviderModel { Name = "gpt-ext", Serves = [Model, "auto", "general"], InputPricePerMTok = 1, OutputPricePerMTok = 2 },
                        new ProviderModel { Name = "gpt-big", Serves = ["gpt-big"], InputPricePerMTok = 5, OutputPricePerMTok = 15 },
                    ],
                },
            ],
            Policies = [new PolicyConfig { Name = "default" }],
            Limits = new RouterLimits { ProbeIntervalMs = 200, ProbeTimeoutMs = 1000 },
        };
        var path = Path.Combine(_dir, "router.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(Config, RouterConfigJsonContext.Default.RouterConfiguration));
        Options = new ConsoleOptions { Time = ConsoleTime, IdleTimeout = TimeSpan.FromMinutes(30), DiagnosticsInterval = TimeSpan.FromSeconds(30), ScrapeCacheTime = TimeSpan.Zero };
        Router = await RouterHost.StartAsync(new RouterHostOptions
        {
            ConfigPath = path,
            Urls = "http://127.0.0.1:0",
            Gateway = new GatewayOptions { LedgerPath = Path.Combine(_dir, "ledger.db") },
            ConfigureServices = s => s.AddSingleton(Options),
        });
        Http = new HttpClient { BaseAddress = new Uri(Router.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        await SendTrafficAsync();
    }

    /// <summary>Every role's traffic: Owner on its own card (chat + coding), Provider on its own, Consumer on the hosted pool (the Provider's shared card) in three classes, None on the external model.</summary>
    private async Task SendTrafficAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            await ChatAsync(OwnerKey, "chat");
        }

        await ChatAsync(OwnerKey, "coding");
        await ChatAsync(OwnerKey, "coding");
        await ChatAsync(ProviderKey, "chat");
        await ChatAsync(ProviderKey, "agent");
        for (var i = 0; i < 3; i++)
        {
            await ChatAsync(ConsumerKey, "chat");
        }

        await ChatAsync(ConsumerKey, "agent");
        await ChatAsync(ConsumerKey, "classifier");
        await ChatAsync(NoneKey, "chat");
        await ChatAsync(NoneKey, "chat");
        await Router.Services.GetRequiredService<SqliteLedger>().FlushAsync();
    }

    public async Task<HttpResponseMessage> ChatAsync(string key, string requestClass)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Hello there, console"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("X-Daalu-Request-Class", requestClass);
        var response = await Http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"traffic call for {requestClass} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return response;
    }

    /// <summary>GET /v1/usage as the given key: the ledger's usage API, the reference the console must match.</summary>
    public async Task<JsonNode> UsageApiAsync(string key, int days = 7, string? tenant = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/usage?days={days}" + (tenant is null ? string.Empty : "&tenant=" + tenant));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Router is not null)
        {
            await Router.DisposeAsync();
        }

        await OwnerCard.DisposeAsync();
        await ProviderCard.DisposeAsync();
        await External.DisposeAsync();
        await OwnerDcgm.DisposeAsync();
        await ProviderDcgm.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
