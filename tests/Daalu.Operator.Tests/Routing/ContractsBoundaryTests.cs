using System.Reflection;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Operator.Routing;
using Daalu.Router.Configuration;
using Xunit;
using Crd = Daalu.Api.V1Alpha1;

namespace Daalu.Operator.Tests.Routing;

/// <summary>
/// The two deployables share only Daalu.Contracts: the router does not ship the CRD library (and so KubernetesClient),
/// the operator does not ship the gateway (and so SQLite, PostgreSQL and Redis clients), and the contracts library
/// drags in none of them. Read from the compiled assemblies' reference tables (what the runtime would load).
/// </summary>
public sealed class ContractsBoundaryTests
{
    private static readonly string[] StoreClients = ["Microsoft.Data.Sqlite", "Npgsql", "StackExchange.Redis", "SQLitePCLRaw.core"];

    private static List<string> ReferencesOf(Assembly assembly) => [.. assembly.GetReferencedAssemblies().Select(a => a.Name!)];

    [Fact]
    public void RouterAssembly_References_ContractsButNotCrdLibraryOrKubernetesClient()
    {
        var refs = ReferencesOf(typeof(RouterSnapshot).Assembly);

        Assert.Contains("Daalu.Contracts", refs);
        Assert.DoesNotContain("Daalu.Api", refs);
        Assert.DoesNotContain("KubernetesClient", refs);
    }

    [Fact]
    public void OperatorAssembly_References_ContractsButNotGatewayOrStoreClients()
    {
        var refs = ReferencesOf(typeof(RouterConfigCompiler).Assembly);

        Assert.Contains("Daalu.Contracts", refs);
        Assert.DoesNotContain("Daalu.Gateway", refs);
        Assert.DoesNotContain("Daalu.Router", refs);
        Assert.All(StoreClients, c => Assert.DoesNotContain(c, refs));
    }

    [Fact]
    public void ContractsAssembly_References_OnlyTheFramework()
    {
        var refs = ReferencesOf(typeof(ConfigHash).Assembly);

        Assert.All(refs, r => Assert.True(r.StartsWith("System", StringComparison.Ordinal) || r == "netstandard", $"Daalu.Contracts references {r}"));
    }

    [Fact]
    public void ConfigHash_CompilerAndRouter_SameHashForSameDocument()
    {
        const string document = "{\n  \"version\": 1\n}\n";

        // SHA-256 of the UTF-8 bytes, first 16 hex digits: the value the ConfigMap annotation and /admin/config carry.
        Assert.Equal(ConfigHash.Of(System.Text.Encoding.UTF8.GetBytes(document)), RouterConfigCompiler.HashOf(document));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(document)))[..16], ConfigHash.Of(document));
    }

    [Fact]
    public void ConfigParts_Defaults_MatchTheCrdDefaults()
    {
        // The compiled configuration has its own copies of these policy parts; an unset field must mean the same on
        // both sides, or a policy that leaves it out would compile to a different router behaviour.
        var spec = new Crd.RoutingPolicySpec();
        var config = new PolicyConfig();
        Assert.Equal(spec.CodeDetection, config.CodeDetection);
        Assert.Equal(CodeDetectionModes.Enforce, config.CodeDetection);
        Assert.Equal(spec.PrefixAffinity, config.PrefixAffinity);
        var saturation = ConfigPartsMapper.Saturation(new Crd.SaturationThresholds());
        Assert.Equal((90, 8, 0), (saturation.KvCacheUsagePercent, saturation.MaxRequestsWaiting, saturation.MaxRequestsPerBackend));
        Assert.Equal(
            (config.Saturation.KvCacheUsagePercent, config.Saturation.MaxRequestsWaiting, config.Saturation.MaxRequestsPerBackend),
            (saturation.KvCacheUsagePercent, saturation.MaxRequestsWaiting, saturation.MaxRequestsPerBackend));
        var timeouts = ConfigPartsMapper.Timeouts(new Crd.RoutingTimeouts());
        Assert.Equal((config.Timeouts.ConnectMs, config.Timeouts.FirstByteMs, config.Timeouts.StreamIdleMs), (timeouts.ConnectMs, timeouts.FirstByteMs, timeouts.StreamIdleMs));
        var breaker = ConfigPartsMapper.CircuitBreaker(new Crd.CircuitBreakerSettings());
        Assert.Equal((config.CircuitBreaker.ConsecutiveFailures, config.CircuitBreaker.OpenSeconds), (breaker.ConsecutiveFailures, breaker.OpenSeconds));
        var objective = new TtftObjective();
        var crdObjective = new Crd.TtftObjective();
        Assert.Equal((crdObjective.Tier, crdObjective.P95Ms, crdObjective.WindowSeconds, crdObjective.MinSamples), (objective.Tier, objective.P95Ms, objective.WindowSeconds, objective.MinSamples));
        Assert.Equal(new Crd.ProviderModel().SupportsImages, new ProviderModel().SupportsImages);
    }

    [Fact]
    public void ConfigPartsMapper_Rules_CopiedFieldForField()
    {
        var rules = ConfigPartsMapper.Rules([new Crd.RoutingRule { Name = "r", RequestClasses = [RequestClasses.Chat], Models = ["m*"], Action = RuleActions.Pin, Tiers = [TierNames.Hosted] }]);

        var rule = Assert.Single(rules);
        Assert.Equal(("r", RuleActions.Pin), (rule.Name, rule.Action));
        Assert.Equal([RequestClasses.Chat], rule.RequestClasses);
        Assert.Equal(["m*"], rule.Models);
        Assert.Equal([TierNames.Hosted], rule.Tiers);
    }
}
