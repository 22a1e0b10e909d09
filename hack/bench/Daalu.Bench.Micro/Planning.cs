using System.Text;
using BenchmarkDotNet.Attributes;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Configuration;
using Daalu.Router.Hosting;
using Daalu.Router.Planning;

namespace Daalu.Bench.Micro;

/// <summary>
/// The cascade planner for one request against a configuration of 3 own-GPU backends, 6 hosted backends and 2
/// external providers, every backend known and healthy.
/// </summary>
[MemoryDiagnoser]
public class Planning
{
    private RouterSnapshot _snapshot = null!;
    private PlanRequest _auto = null!;
    private PlanRequest _explicit = null!;
    private readonly Random _random = new(42);
    private Func<string, BackendView> _state = null!;

    [GlobalSetup]
    public void Setup()
    {
        Environment.SetEnvironmentVariable("DAALU_BENCH_TENANT_KEY", "bench-key-0123456789abcdef");
        Environment.SetEnvironmentVariable("DAALU_BENCH_PROVIDER_KEY", "provider-key-0123456789");
        var config = new RouterConfiguration
        {
            Tenants =
            [
                new TenantConfig
                {
                    Name = "acme",
                    Keys = [new SecretSource { Env = "DAALU_BENCH_TENANT_KEY" }],
                    Plan = new TenantPlanConfig { MonthlyTokenBudget = 1_000_000_000, InputPerMTok = 0.1m, OutputPerMTok = 0.2m },
                },
            ],
            Backends =
            [
                .. Enumerable.Range(0, 3).Select(i => new BackendConfig
                {
                    Name = $"own-{i}", Tier = "OwnGpu", Tenant = "acme", Url = $"http://127.0.0.1:{9000 + i}",
                    Models = [i == 0 ? "Qwen/Qwen2.5-7B-Instruct-AWQ" : "Qwen/Qwen2.5-32B-Instruct-AWQ"], Capability = i == 0 ? 1 : 3,
                }),
                .. Enumerable.Range(0, 6).Select(i => new BackendConfig
                {
                    Name = $"hosted-{i}", Tier = "Hosted", Url = $"http://127.0.0.1:{9100 + i}",
                    Models = [i % 2 == 0 ? "Qwen/Qwen2.5-14B-Instruct-AWQ" : "Qwen/Qwen2.5-32B-Instruct-AWQ"], Capability = 2 + (i % 2),
                }),
            ],
            Providers =
            [
                new ProviderConfig
                {
                    Name = "openai", BaseUrl = "https://api.openai.com/v1", ApiKey = new SecretSource { Env = "DAALU_BENCH_PROVIDER_KEY" },
                    Models = [new ProviderModel { Name = "gpt-4o-mini", Serves = ["general"] }],
                },
            ],
            Policies = [new PolicyConfig { Name = "default" }],
        };
        _snapshot = RouterConfigLoader.Compile(config, Encoding.UTF8.GetBytes("bench"), AppContext.BaseDirectory, RouterHost.GatewayAuthenticator);
        var tenant = _snapshot.Tenants["acme"];
        var features = new RequestFeatures(RequestFeatures.Chat, false, false);
        _auto = new PlanRequest(tenant, "chat", ModelAliases.Auto, 2, features);
        _explicit = new PlanRequest(tenant, "chat", "Qwen/Qwen2.5-32B-Instruct-AWQ", 2, features);
        var views = _snapshot.Backends.Select(b => b.Name).Concat(_snapshot.Providers.Select(p => p.Config.Name))
            .ToDictionary(n => n, n => new BackendView(n, CircuitState.Closed, null, 0.3, 0, 1));
        _state = name => views.TryGetValue(name, out var v) ? v : BackendView.Unknown(name);
    }

    [Benchmark(Description = "CascadePlanner.Plan (auto)")]
    public CascadePlan PlanAuto() => CascadePlanner.Plan(_auto, _snapshot, _state, _random);

    [Benchmark(Description = "CascadePlanner.Plan (explicit model)")]
    public CascadePlan PlanExplicit() => CascadePlanner.Plan(_explicit, _snapshot, _state, _random);
}
