using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.FunctionalTests.Infrastructure;
using Daalu.Router.Hosting;
using Daalu.TestDoubles.OpenAICompatible;
using Daalu.TestDoubles.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Daalu.Gateway.FunctionalTests;

/// <summary>The router's wiring of the gateway, in-process: metrics export, metering failures, Redis warm-up.</summary>
public sealed class RouterIntegrationTests : IAsyncLifetime
{
    private const string Key = "key-team-a-integration-01";
    private readonly string _dir = Directory.CreateTempSubdirectory("daalu-router-int-").FullName;
    private VllmDouble _pool = null!;

    public async Task InitializeAsync() => _pool = await VllmDouble.StartNewAsync("pool-1", "m-general");

    public async Task DisposeAsync()
    {
        await _pool.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Metrics_WithGateway_ExportsGatewayRegistryOnTheSameEndpoint()
    {
        await using var router = await StartAsync(new Daalu.Gateway.GatewayOptions { LedgerPath = Path.Combine(_dir, "ledger.db") });
        using var client = new HttpClient();
        var (resp, body) = await PostAsync(client, router.BaseUrl, stream: false);
        Assert.Equal(200, (int)resp.StatusCode);
        var text = await client.GetStringAsync(new Uri(router.BaseUrl + "/metrics"));
        Assert.Contains("daalu_router_requests_total{", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE daalu_gateway_outbox_depth gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE daalu_gateway_reserved_tokens gauge", text, StringComparison.Ordinal);
        Assert.Contains("\"choices\"", body, StringComparison.Ordinal);

        // Each family once: the two registries do not overlap.
        var types = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ToList();
        Assert.Equal(types.Count, types.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Metering_SinkRefusesRecord_ClientKeepsSuccessFailureIsLoggedAndCounted()
    {
        var sink = new RefusingMeteringSink();
        var logs = new CapturingLoggerProvider();
        var quota = new InMemoryQuotaGate(TimeProvider.System);
        await using var router = await StartAsync(null, s =>
        {
            s.AddSingleton<IQuotaGate>(quota);
            s.AddSingleton<IMeteringSink>(sink);
            s.AddSingleton<ILoggerProvider>(logs);
        });
        using var client = new HttpClient();
        var (json, jsonBody) = await PostAsync(client, router.BaseUrl, stream: false, requestId: "req-json-1");
        var (sse, sseBody) = await PostAsync(client, router.BaseUrl, stream: true, requestId: "req-sse-1");

        Assert.Equal(200, (int)json.StatusCode);
        Assert.Contains("\"choices\"", jsonBody, StringComparison.Ordinal);
        Assert.Equal(200, (int)sse.StatusCode);
        Assert.EndsWith("data: [DONE]\n\n", sseBody, StringComparison.Ordinal);
        Assert.Equal(2, sink.Refused);

        var metrics = await client.GetStringAsync(new Uri(router.BaseUrl + "/metrics"));
        Assert.Contains("daalu_router_metering_failures_total{stage=\"record\",error=\"ArgumentException\"} 2", metrics, StringComparison.Ordinal);
        foreach (var id in new[] { "req-json-1", "req-sse-1" })
        {
            Assert.Contains(logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal) && l.Contains("ArgumentException", StringComparison.Ordinal));
        }

        // The reservations were settled to the actual usage (not leaked) although the records failed.
        var usage = quota.GetUsage("team-a", Daalu.Gateway.Quota.QuotaMath.PeriodOf(DateTimeOffset.UtcNow));
        Assert.Equal(0, usage.Reserved);
        Assert.True(usage.Spent > 0, "the answered calls were settled against the quota");
    }

    [SkippableFact]
    public async Task Startup_WithRedis_FirstAdmissionIsNotRefusedAsStoreUnavailable()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var redis = await RedisServer.StartAsync();
        await using var router = await StartAsync(new Daalu.Gateway.GatewayOptions { LedgerPath = Path.Combine(_dir, "ledger.db"), RedisUrl = redis.Url });
        using var client = new HttpClient();
        var (resp, _) = await PostAsync(client, router.BaseUrl, stream: false);
        var route = string.Join(",", resp.Headers.GetValues("X-Daalu-Route"));
        Assert.Equal(200, (int)resp.StatusCode);
        Assert.Equal(TierNames.Hosted, string.Join(",", resp.Headers.GetValues("X-Daalu-Tier")));
        Assert.DoesNotContain(QuotaRefusalReasons.QuotaStoreUnavailable, route, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarmUp_RedisUnreachable_GivesUpWithinTheBound()
    {
        var options = new Daalu.Gateway.GatewayOptions { LedgerPath = Path.Combine(_dir, "ledger.db"), RedisUrl = $"127.0.0.1:{Ports.Free()}" };
        var app = RouterHost.Build(new RouterHostOptions { ConfigPath = await WriteConfigAsync(), Urls = "http://127.0.0.1:0", Gateway = options });
        await using (app)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var ok = await RouterHost.WarmUpQuotaStoreAsync(app.Services, TimeSpan.FromMilliseconds(800));
            Assert.False(ok);
            Assert.InRange(sw.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        }
    }

    private async Task<RunningRouter> StartAsync(Daalu.Gateway.GatewayOptions? gateway, Action<IServiceCollection>? services = null) =>
        await RouterHost.StartAsync(new RouterHostOptions
        {
            ConfigPath = await WriteConfigAsync(),
            Urls = "http://127.0.0.1:0",
            UseGateway = gateway is not null,
            Gateway = gateway ?? new Daalu.Gateway.GatewayOptions(),
            ConfigureServices = services,
        });

    private async Task<string> WriteConfigAsync()
    {
        var config = new RouterConfiguration
        {
            Tenants = [new TenantConfig { Name = "team-a", Keys = [new SecretSource { Value = Key }], Plan = ReplicaQuotaTests.Plan(budget: 1_000_000) }],
            Backends = [new BackendConfig { Name = "pool-1", Tier = TierNames.Hosted, Url = _pool.BaseUrl, Models = ["m-general"], Capability = 3 }],
            Policies = [new PolicyConfig { Name = "default", Tiers = [TierNames.Hosted] }],
            Limits = new RouterLimits { ProbeIntervalMs = 500, ProbeTimeoutMs = 1000, MaxRequestBodyBytes = 64 * 1024, MaxJsonDepth = 64 },
        };
        var path = Path.Combine(_dir, "router.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config, RouterConfigJsonContext.Default.RouterConfiguration));
        return path;
    }

    private static async Task<(HttpResponseMessage Response, string Body)> PostAsync(HttpClient client, string baseUrl, bool stream, string? requestId = null)
    {
        var body = $"{{\"model\":\"m-general\",\"max_tokens\":20,\"stream\":{(stream ? "true" : "false")},\"messages\":[{{\"role\":\"user\",\"content\":\"Hello\"}}]}}";
        using var req = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl + "/v1/chat/completions")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        if (requestId is not null)
        {
            req.Headers.Add("X-Request-Id", requestId);
        }

        var resp = await client.SendAsync(req);
        return (resp, await resp.Content.ReadAsStringAsync());
    }
}
