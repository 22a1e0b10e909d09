using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using RoutingRule = Daalu.Api.V1Alpha1.RoutingRule;
using Daalu.Operator.Routing;
using Daalu.Runtime;
using static Daalu.Operator.Tests.Routing.RoutingFixtures;

namespace Daalu.Operator.Tests.Routing;

// The pure compiler: table tests over the inputs, no I/O.
public sealed class RouterConfigCompilerTests
{
    private const string Coder = "Qwen/Qwen2.5-Coder-7B-Instruct-AWQ";
    private const string General = "Qwen/Qwen2.5-14B-Instruct-AWQ";

    private static CompileInput SampleLike() => Input(
        policies: [Policy()],
        servings:
        [
            OnGpuNode("team-a-coder", "team-a-rtx2000", ModelPurposes.Coding, models: Coder),
            OnGpuNode("lab-b-general", "lab-b-rtx6000", shared: true, models: General),
            Endpoint("pool", "http://10.0.0.9:8000/", models: General),
        ],
        gpuNodes: [GpuNode("team-a-rtx2000", "team-a"), GpuNode("lab-b-rtx6000", "lab-b", sharing: true, share: 70)],
        quotas: [Quota("team-a"), Quota("team-c", ageMinutes: 1), Quota("lab-b", ageMinutes: 2, enrolled: false)],
        secrets: Secrets("team-a", "team-c", "lab-b"));

    [Fact]
    public void Compile_TenantsWithAndWithoutReadyCards_RoleAsTenantQuotaStatusResolvesIt()
    {
        var notReady = GpuNode("team-d-rtx2000", "team-d");
        notReady.Status!.Phase = GpuNodePhases.Pending;
        var input = SampleLike() with
        {
            GpuNodes = [GpuNode("team-a-rtx2000", "team-a"), GpuNode("lab-b-rtx6000", "lab-b", sharing: true, share: 70), notReady],
            TenantQuotas = [Quota("team-a"), Quota("team-c", ageMinutes: 1), Quota("lab-b", ageMinutes: 2, enrolled: false), Quota("team-d", ageMinutes: 3), Quota("team-e", ageMinutes: 4, enrolled: false)],
            Secrets = Secrets("team-a", "team-c", "lab-b", "team-d", "team-e"),
        };

        var c = RouterConfigCompiler.Compile(input).Configuration;

        // The same rule as TenantQuotaReconciler.RoleOf: a ready card makes an Owner, a ready sharing card a Provider;
        // a card that is not ready counts as none. Without it the router derived team-d's role from backends.
        Assert.Equal(
            [("lab-b", "Provider"), ("team-a", "Owner"), ("team-c", "Consumer"), ("team-d", "Consumer"), ("team-e", "None")],
            c.Tenants.Where(t => t.Name != "daalu-operator").Select(t => (t.Name, t.Role)));
        Assert.Null(c.Tenants.Single(t => t.Name == "daalu-operator").Role);
    }

    [Fact]
    public void Compile_SampleLikeCluster_TenantsBackendsProvidersAndPolicyWithKeysAsFiles()
    {
        var compiled = RouterConfigCompiler.Compile(SampleLike());
        var c = compiled.Configuration;

        Assert.Empty(compiled.Errors);
        Assert.Equal(["daalu-operator", "lab-b", "team-a", "team-c"], c.Tenants.Select(t => t.Name));
        var teamA = c.Tenants.Single(t => t.Name == "team-a");
        Assert.Equal("/etc/daalu/keys/team-a-api-keys/key-1", Assert.Single(teamA.Keys).File);
        Assert.True(teamA.Plan!.Enrolled);
        Assert.Equal(100_000, teamA.Plan.MonthlyTokenBudget);
        Assert.Equal(3m, teamA.Plan.ReferenceInputPerMTok);
        Assert.False(c.Tenants.Single(t => t.Name == "lab-b").Plan!.Enrolled);

        var coder = c.Backends.Single(b => b.Name == "daalu-system/team-a-coder");
        Assert.Equal((TierNames.OwnGpu, "team-a", ModelPurposes.Coding, false), (coder.Tier, coder.Tenant, coder.Purpose, coder.Shared));
        Assert.Equal([Coder], coder.Models);
        Assert.Equal("http://ms-team-a-coder.daalu-system.svc:8000", coder.Url);
        var shared = c.Backends.Single(b => b.Name == "daalu-system/lab-b-general");
        Assert.Equal((TierNames.OwnGpu, "lab-b", true, 70), (shared.Tier, shared.Tenant, shared.Shared, shared.RevenueSharePercent));
        var pool = c.Backends.Single(b => b.Name == "daalu-system/pool");
        Assert.Equal((TierNames.Hosted, (string?)null, "http://10.0.0.9:8000"), (pool.Tier, pool.Tenant, pool.Url));

        var provider = Assert.Single(c.Providers);
        Assert.Equal(("openai", "/etc/daalu/keys/external-provider-keys/openai"), (provider.Name, provider.ApiKey!.File));
        var policy = c.Policies.Single(p => p.Name == "daalu-system/default");
        Assert.Empty(policy.Tenants);
        Assert.Equal([TierNames.OwnGpu, TierNames.Hosted, TierNames.External], policy.Tiers);
        Assert.Equal(["openai"], policy.Providers);

        Assert.Equal(["daalu-router-admin-key", "external-provider-keys", "lab-b-api-keys", "team-a-api-keys", "team-c-api-keys"], compiled.MountedSecrets.Select(m => m.Name));
        Assert.True(compiled.Policies[new ObjectKey(Ns, "default")].Accepted);
    }

    [Fact]
    public void Compile_Output_HasNoInlineSecretAndLoadsWithTheRoutersDeserializer()
    {
        var compiled = RouterConfigCompiler.Compile(SampleLike());

        using var doc = JsonDocument.Parse(compiled.Content);
        Assert.DoesNotContain("\"value\"", compiled.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("\"env\"", compiled.Content, StringComparison.Ordinal);
        var reloaded = JsonSerializer.Deserialize(compiled.Content, RouterConfigJsonContext.Default.RouterConfiguration)!;
        Assert.Empty(RouterConfigValidator.Validate(reloaded));
        Assert.Equal(compiled.Content, RouterConfigCompiler.Serialize(reloaded));
    }

    [Fact]
    public void Compile_InputInAnyOrder_SameBytesAndTheRoutersHash()
    {
        var a = RouterConfigCompiler.Compile(SampleLike());
        var shuffled = SampleLike() with
        {
            ModelServings = [.. SampleLike().ModelServings.Reverse()],
            TenantQuotas = [.. SampleLike().TenantQuotas.Reverse()],
            GpuNodes = [.. SampleLike().GpuNodes.Reverse()],
        };
        var b = RouterConfigCompiler.Compile(shuffled);

        Assert.Equal(a.Content, b.Content);
        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(a.Content)))[..16], a.Hash);
    }

    [Fact]
    public void Compile_ModelServingChanges_ChangeTheHash()
    {
        var before = RouterConfigCompiler.Compile(SampleLike());
        var input = SampleLike();
        input.ModelServings[0].Status!.ServedModels.Add(new ServedModel { Id = "extra-model" });
        var after = RouterConfigCompiler.Compile(input);

        Assert.NotEqual(before.Hash, after.Hash);
        Assert.Contains("extra-model", after.Configuration.Backends.Single(b => b.Name == "daalu-system/team-a-coder").Models);
    }

    public static TheoryData<string, Func<CompileInput, CompileInput>, string, string> LeftOutBackends => new()
    {
        { "not ready", i => { i.ModelServings[0].Status!.Phase = ModelServingPhases.Deploying; return i; }, "daalu-system/team-a-coder", "" },
        { "gpu node gone", i => i with { GpuNodes = [.. i.GpuNodes.Where(g => g.Metadata.Name != "team-a-rtx2000")] }, "daalu-system/team-a-coder", "its GpuNode is gone" },
        { "gpu node deleting", i => { i.GpuNodes[0].Metadata.DeletionTimestamp = DateTime.UtcNow; return i; }, "daalu-system/team-a-coder", "its GpuNode is gone" },
        { "tenant without quota", i => i with { TenantQuotas = [.. i.TenantQuotas.Where(q => q.Spec.Tenant != "team-a")] }, "daalu-system/team-a-coder", "tenant team-a has no configured TenantQuota" },
        { "no endpoint yet", i => { i.ModelServings[2].Status!.Endpoint = null; return i; }, "daalu-system/pool", "" },
    };

    [Theory]
    [MemberData(nameof(LeftOutBackends))]
    public void Compile_BackendNotUsable_LeftOutWithNote(string _, Func<CompileInput, CompileInput> change, string backend, string note)
    {
        var compiled = RouterConfigCompiler.Compile(change(SampleLike()));

        Assert.DoesNotContain(compiled.Configuration.Backends, b => b.Name == backend);
        Assert.Empty(compiled.Errors);
        if (note.Length > 0)
        {
            Assert.Contains(compiled.Notes, n => n.Contains(backend, StringComparison.Ordinal) && n.Contains(note, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Compile_SharedModelOnNonSharingNode_NotShared()
    {
        var input = SampleLike();
        input.GpuNodes[1].Spec.Sharing.Enabled = false;

        var backend = RouterConfigCompiler.Compile(input).Configuration.Backends.Single(b => b.Name == "daalu-system/lab-b-general");

        Assert.False(backend.Shared);
        Assert.Equal(0, backend.RevenueSharePercent);
    }

    // ModelServing.spec.tenant names the tenant the model serves; a GpuNode's tenant only owns the card. A tenant's
    // model placed on another tenant's sharing card belongs to the serving tenant, and the card owner is the
    // contributor credited at the card's revenue share when the model also serves the hosted pool.
    private static CompileInput TeamCModelOnLabBCard(bool shared, bool cardShares = true)
    {
        var input = SampleLike();
        var ms = OnGpuNode("team-c-general", "lab-b-rtx6000", shared: shared, models: General);
        ms.Spec.Tenant = "team-c";
        input.GpuNodes[1].Spec.Sharing.Enabled = cardShares;
        return input with { ModelServings = [.. input.ModelServings, ms] };
    }

    [Fact]
    public void Compile_TenantModelOnAnotherTenantsSharingCardShared_ServingTenantOwnsItCardOwnerIsContributor()
    {
        var backends = RouterConfigCompiler.Compile(TeamCModelOnLabBCard(shared: true)).Configuration.Backends;

        var backend = backends.Single(b => b.Name == "daalu-system/team-c-general");
        Assert.Equal((TierNames.OwnGpu, "team-c", "lab-b", true, 70), (backend.Tier, backend.Tenant, backend.Contributor, backend.Shared, backend.RevenueSharePercent));
        var ownersModel = backends.Single(b => b.Name == "daalu-system/lab-b-general");
        Assert.Equal(("lab-b", (string?)null), (ownersModel.Tenant, ownersModel.Contributor));
    }

    [Fact]
    public void Compile_TenantModelOnAnotherTenantsSharingCardNotShared_ServingTenantsOwnNoContributor()
    {
        var backend = RouterConfigCompiler.Compile(TeamCModelOnLabBCard(shared: false)).Configuration.Backends.Single(b => b.Name == "daalu-system/team-c-general");

        Assert.Equal((TierNames.OwnGpu, "team-c", (string?)null, false, 0), (backend.Tier, backend.Tenant, backend.Contributor, backend.Shared, backend.RevenueSharePercent));
    }

    [Fact]
    public void Compile_TenantModelOnAnotherTenantsCardThatStoppedSharing_NotSharedNoContributor()
    {
        var backend = RouterConfigCompiler.Compile(TeamCModelOnLabBCard(shared: true, cardShares: false)).Configuration.Backends.Single(b => b.Name == "daalu-system/team-c-general");

        Assert.Equal(("team-c", (string?)null, false, 0), (backend.Tenant, backend.Contributor, backend.Shared, backend.RevenueSharePercent));
    }

    [Fact]
    public void Compile_SpecTenantIsTheCardOwner_SameAsEmptyNoContributor()
    {
        var input = SampleLike();
        input.ModelServings[1].Spec.Tenant = "lab-b";

        var backend = RouterConfigCompiler.Compile(input).Configuration.Backends.Single(b => b.Name == "daalu-system/lab-b-general");

        Assert.Equal(("lab-b", (string?)null, true, 70), (backend.Tenant, backend.Contributor, backend.Shared, backend.RevenueSharePercent));
        Assert.Equal(RouterConfigCompiler.Compile(SampleLike()).Hash, RouterConfigCompiler.Compile(input).Hash);
    }

    [Fact]
    public void Compile_SpecTenantWithoutTenantQuota_LeftOutNotGivenToTheCardOwner()
    {
        var input = TeamCModelOnLabBCard(shared: true);
        input.ModelServings[input.ModelServings.Count - 1].Spec.Tenant = "team-x";

        var compiled = RouterConfigCompiler.Compile(input);

        Assert.DoesNotContain(compiled.Configuration.Backends, b => b.Name == "daalu-system/team-c-general");
        Assert.Contains(compiled.Notes, n => n.Contains("daalu-system/team-c-general", StringComparison.Ordinal) && n.Contains("tenant team-x has no configured TenantQuota", StringComparison.Ordinal));
    }

    public static TheoryData<string, Func<CompileInput, CompileInput>, string, string> InvalidPolicies => new()
    {
        {
            "provider Secret missing",
            i => i with { Secrets = Secrets("team-a", "team-c", "lab-b").Add(Ns, "external-provider-keys", []) },
            RoutingReasons.ProviderKeySecretMissing, "Secret external-provider-keys has no key openai"
        },
        {
            "provider Secret absent",
            i => i with { Policies = [Policy(configure: s => s.Providers = [Provider("openai", "nope", "openai")])] },
            RoutingReasons.ProviderKeySecretMissing, "Secret nope not found in namespace daalu-system"
        },
        {
            "policy outside the router namespace",
            i => i with { Policies = [Policy(ns: "team-a")] },
            RoutingReasons.SecretNotInRouterNamespace, "the router mounts key Secrets from its own namespace daalu-system"
        },
        {
            "reserved tenant",
            i => i with { Policies = [Policy(configure: s => s.Tenants = ["daalu-operator"])] },
            RoutingReasons.ReservedTenant, "reserved for the operator"
        },
        {
            "pin to External for every class",
            i => i with { Policies = [Policy(configure: s => s.Rules = [new RoutingRule { Name = "all-out", Action = RuleActions.Pin, Tiers = [TierNames.External] }])] },
            RoutingReasons.ConfigInvalid, "coding requests can never reach External"
        },
        {
            "unknown fall-through reason",
            i => i with { Policies = [Policy(configure: s => s.FallThroughOn = ["Sometimes"])] },
            RoutingReasons.ConfigInvalid, "unknown reason 'Sometimes'"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidPolicies))]
    public void Compile_InvalidPolicy_InvalidWithReasonAndLeftOut(string _, Func<CompileInput, CompileInput> change, string reason, string message)
    {
        var input = change(SampleLike());
        var compiled = RouterConfigCompiler.Compile(input);
        var key = ObjectKey.Of(input.Policies[0]);

        var verdict = compiled.Policies[key];
        Assert.False(verdict.Accepted);
        Assert.Equal(reason, verdict.Reason);
        Assert.Contains(message, verdict.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(compiled.Configuration.Policies, p => p.Name == $"{key.Namespace}/{key.Name}");
        Assert.Empty(compiled.Errors);
        Assert.Empty(compiled.Configuration.Providers);
    }

    [Fact]
    public void Compile_TenantNamedByTwoPolicies_OlderKeepsItNewerInvalid()
    {
        var older = Policy("team-a-first", ageMinutes: 1, configure: s => s.Tenants = ["team-a"]);
        var newer = Policy("a-team-a-again", ageMinutes: 5, configure: s => s.Tenants = ["team-a", "team-c"]);
        var compiled = RouterConfigCompiler.Compile(SampleLike() with { Policies = [newer, older] });

        Assert.True(compiled.Policies[ObjectKey.Of(older)].Accepted);
        var verdict = compiled.Policies[ObjectKey.Of(newer)];
        Assert.Equal((false, RoutingReasons.TenantConflict), (verdict.Accepted, verdict.Reason));
        Assert.Contains("tenant team-a is already named by RoutingPolicy daalu-system/team-a-first", verdict.Message, StringComparison.Ordinal);
        Assert.Equal(["team-a"], compiled.Configuration.Policies.Single(p => p.Name == "daalu-system/team-a-first").Tenants);
    }

    [Fact]
    public void Compile_TwoDefaultPolicies_SecondInvalid()
    {
        var first = Policy("first", ageMinutes: 1);
        var second = Policy("second", ageMinutes: 2);
        var compiled = RouterConfigCompiler.Compile(SampleLike() with { Policies = [second, first] });

        Assert.True(compiled.Policies[ObjectKey.Of(first)].Accepted);
        Assert.Equal(RoutingReasons.DefaultPolicyConflict, compiled.Policies[ObjectKey.Of(second)].Reason);
        Assert.Single(compiled.Configuration.Policies, p => p.Tenants.Count == 0);
    }

    [Fact]
    public void Compile_PolicyNamingOnlyUnknownTenants_AcceptedButNotMadeTheDefault()
    {
        var policy = Policy("future", configure: s => s.Tenants = ["team-z"]);
        var compiled = RouterConfigCompiler.Compile(SampleLike() with { Policies = [policy] });

        Assert.True(compiled.Policies[ObjectKey.Of(policy)].Accepted);
        Assert.Contains("applies to no one", compiled.Policies[ObjectKey.Of(policy)].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(compiled.Configuration.Policies, p => p.Name == "daalu-system/future");
        Assert.Empty(compiled.Errors);
    }

    public static TheoryData<string, Func<CompileInput, CompileInput>, string, string, int> LeftOutTenants => new()
    {
        { "key Secret missing", i => i with { Secrets = Secrets("team-a", "lab-b") }, "team-c", RoutingReasons.KeySecretMissing, 0 },
        { "declared twice", i => i with { TenantQuotas = [.. i.TenantQuotas, Quota("team-c", ageMinutes: 9, name: "team-c-again")] }, "team-c-again", RoutingReasons.DuplicateTenant, 1 },
        { "outside the router namespace", i => i with { TenantQuotas = [.. i.TenantQuotas.Where(q => q.Spec.Tenant != "team-c"), Quota("team-c", ns: "team-c")] }, "team-c", RoutingReasons.SecretNotInRouterNamespace, 0 },
        { "reserved name", i => i with { TenantQuotas = [.. i.TenantQuotas, Quota("daalu-operator")] }, "daalu-operator", RoutingReasons.ReservedTenant, 1 },
    };

    [Theory]
    [MemberData(nameof(LeftOutTenants))]
    public void Compile_TenantQuotaNotUsable_NotConfiguredWithReason(string _, Func<CompileInput, CompileInput> change, string quotaName, string reason, int tenantEntries)
    {
        var input = change(SampleLike());
        var compiled = RouterConfigCompiler.Compile(input);
        var quota = input.TenantQuotas.Last(q => q.Metadata.Name == quotaName);

        var verdict = compiled.Tenants[ObjectKey.Of(quota)];
        Assert.Equal((false, reason), (verdict.Configured, verdict.Reason));
        Assert.Empty(compiled.Errors);

        // Left out entirely, or only the earlier declaration (or the operator's own tenant) remains.
        Assert.Equal(tenantEntries, compiled.Configuration.Tenants.Count(t => t.Name == quota.Spec.Tenant));
    }

    [Fact]
    public void Compile_OperatorTenant_AdminWithAPolicyThatReachesNoModel()
    {
        var c = RouterConfigCompiler.Compile(SampleLike()).Configuration;

        var op = c.Tenants.Single(t => t.Name == "daalu-operator");
        Assert.True(op.Admin);
        Assert.Null(op.Plan);
        Assert.Equal("/etc/daalu/keys/daalu-router-admin-key/key", Assert.Single(op.Keys).File);
        var policy = c.Policies.Single(p => p.Name == op.Policy);
        Assert.Equal([TierNames.OwnGpu], policy.Tiers);
        Assert.DoesNotContain(c.Backends, b => b.Tenant == "daalu-operator");

        var without = RouterConfigCompiler.Compile(SampleLike() with { IncludeOperatorTenant = false });
        Assert.DoesNotContain(without.Configuration.Tenants, t => t.Name == "daalu-operator");
        Assert.DoesNotContain(without.MountedSecrets, m => m.Name == "daalu-router-admin-key");
    }

    [Fact]
    public void Compile_SameProviderInTwoPolicies_OneEntry_DifferentProviders_QualifiedPerPolicy()
    {
        var a = Policy("a", ageMinutes: 1, configure: s => s.Tenants = ["team-a"]);
        var b = Policy("b", ageMinutes: 2);
        var same = RouterConfigCompiler.Compile(SampleLike() with { Policies = [a, b] }).Configuration;
        Assert.Equal(["openai"], same.Providers.Select(p => p.Name));

        var c = Policy("c", ageMinutes: 2, configure: s => s.Providers = [Provider("openai", "external-provider-keys", "openai", model: "gpt-4.1")]);
        var different = RouterConfigCompiler.Compile(SampleLike() with { Policies = [a, c] }).Configuration;
        Assert.Equal(["openai@daalu-system/a", "openai@daalu-system/c"], different.Providers.Select(p => p.Name));
        Assert.Equal(["openai@daalu-system/c"], different.Policies.Single(p => p.Name == "daalu-system/c").Providers);
    }

    public static TheoryData<string, string, string[]> Cascades => new()
    {
        { "team-a", RequestClasses.Chat, [TierNames.OwnGpu, TierNames.Hosted, TierNames.External] },
        { "team-a", RequestClasses.Coding, [TierNames.OwnGpu, TierNames.Hosted] },
        { "lab-b", RequestClasses.Chat, [TierNames.OwnGpu, TierNames.External] },
        { "lab-b", RequestClasses.Coding, [TierNames.OwnGpu] },
        { "team-c", RequestClasses.Classifier, [TierNames.OwnGpu] },
    };

    [Theory]
    [MemberData(nameof(Cascades))]
    public void Compile_EffectiveCascade_RulesEnrolmentAndTheCodingInvariant(string tenant, string cls, string[] tiers)
    {
        var policy = Policy(configure: s => s.Rules =
        [
            new RoutingRule { Name = "model-specific", Models = ["special*"], Action = RuleActions.Pin, Tiers = [TierNames.Hosted] },
            new RoutingRule { Name = "classifiers-home", RequestClasses = [RequestClasses.Classifier], Action = RuleActions.Pin, Tiers = [TierNames.OwnGpu] },
        ]);
        var compiled = RouterConfigCompiler.Compile(SampleLike() with { Policies = [policy] });

        var cascade = compiled.Policies[ObjectKey.Of(policy)].EffectiveCascade.Single(e => e.Tenant == tenant && e.RequestClass == cls);
        Assert.Equal(tiers, cascade.Tiers);
        Assert.DoesNotContain(compiled.Policies[ObjectKey.Of(policy)].EffectiveCascade, e => e.Tenant == "daalu-operator");
    }

    [Fact]
    public void Compile_PolicyWithDisabledTier_TiersTextShowsEnabledOnly()
    {
        var policy = Policy(configure: s => s.Tiers[2].Enabled = false);
        var verdict = RouterConfigCompiler.Compile(SampleLike() with { Policies = [policy] }).Policies[ObjectKey.Of(policy)];

        Assert.Equal("OwnGpu,Hosted", verdict.Tiers);
        Assert.All(verdict.EffectiveCascade, e => Assert.DoesNotContain(TierNames.External, e.Tiers));
    }
}
