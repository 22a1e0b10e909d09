using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;

namespace Daalu.Router.Tests.Infrastructure;

/// <summary>Configuration documents for the tests: two tenants, an own GPU, a hosted pool and an external provider.</summary>
public static class TestConfigs
{
    public const string KeyA = "key-team-a-0001";
    public const string KeyB = "key-team-b-0002";
    public const string OpenAIKey = "sk-openai-double";
    public const string BackendKey = "backend-bearer-key";

    public static RouterConfiguration Standard(string ownUrl, string hostedUrl, string? openAiBaseUrl, string model = "m-general")
    {
        var config = new RouterConfiguration
        {
            Tenants =
            [
                new TenantConfig { Name = "team-a", Keys = [new SecretSource { Value = KeyA }], Plan = new TenantPlanConfig { MonthlyTokenBudget = 1_000_000, DefaultMaxTokens = 256 } },
                new TenantConfig { Name = "team-b", Keys = [new SecretSource { Value = KeyB }] },
            ],
            Backends =
            [
                new BackendConfig { Name = "own-a", Tier = TierNames.OwnGpu, Tenant = "team-a", Url = ownUrl, Models = [model], Capability = 2, ApiKey = new SecretSource { Value = BackendKey } },
                new BackendConfig { Name = "pool-1", Tier = TierNames.Hosted, Url = hostedUrl, Models = [model], Capability = 3 },
            ],
            Policies =
            [
                new PolicyConfig
                {
                    Name = "default",
                    Timeouts = new RoutingTimeouts { ConnectMs = 500, FirstByteMs = 1500, StreamIdleMs = 1500 },
                    CircuitBreaker = new CircuitBreakerSettings { ConsecutiveFailures = 3, OpenSeconds = 10 },
                },
            ],
            Limits = new RouterLimits { ProbeIntervalMs = 100, ProbeTimeoutMs = 500, MaxRequestBodyBytes = 64 * 1024, MaxJsonDepth = 64 },
        };
        if (openAiBaseUrl is not null)
        {
            config.Providers.Add(new ProviderConfig
            {
                Name = "openai",
                ApiStyle = ApiStyles.OpenAI,
                BaseUrl = openAiBaseUrl,
                ApiKey = new SecretSource { Value = OpenAIKey },
                Models = [new ProviderModel { Name = "gpt-ext", Serves = [model, "auto", "general"], InputPricePerMTok = 1, OutputPricePerMTok = 2 }],
            });
        }

        return config;
    }
}
