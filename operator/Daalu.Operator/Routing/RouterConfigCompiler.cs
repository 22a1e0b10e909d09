using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Runtime;

namespace Daalu.Operator.Routing;

/// <summary>
/// Compiles RoutingPolicies, Ready ModelServings, GpuNodes and TenantQuotas into the router's configuration. Pure:
/// the same input gives the same document, byte for byte, and the same hash. Secrets are referenced as files under
/// <see cref="RoutingSettings.KeysDirectory"/> (mounted Secrets), never copied. Conflicts are settled by age: the
/// older resource (creationTimestamp, then namespace/name) keeps its tenant, so adding a resource never takes a
/// tenant away from one that already works.
/// </summary>
public static class RouterConfigCompiler
{
    /// <summary>Name of the operator's own policy: the admin tenant may read usage but reach no model.</summary>
    public const string OperatorPolicy = "daalu-operator";

    /// <summary>Compiles <paramref name="input"/>.</summary>
    public static CompiledRouterConfig Compile(CompileInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var state = new State(input.Settings, input.Secrets);
        CompileTenants(state, input.TenantQuotas, input.GpuNodes);
        if (input.IncludeOperatorTenant)
        {
            state.Tenants[RoutingSettings.OperatorTenant] = new TenantConfig
            {
                Name = RoutingSettings.OperatorTenant,
                Admin = true,
                Keys = [state.KeyFile(input.Settings.AdminKeySecretName, input.Settings.AdminKeySecretKey)],
                Policy = OperatorPolicy,
            };
        }

        CompileBackends(state, input.ModelServings, input.GpuNodes);
        var accepted = CompilePolicies(state, input.Policies);
        CompileProviders(state, accepted);
        if (input.IncludeOperatorTenant)
        {
            state.PolicyConfigs.Add(new PolicyConfig { Name = OperatorPolicy, Tenants = [RoutingSettings.OperatorTenant], Tiers = [TierNames.OwnGpu] });
        }

        var config = new RouterConfiguration
        {
            Version = 1,
            Tenants = [.. state.Tenants.Values],
            Backends = [.. state.Backends.OrderBy(b => b.Name, StringComparer.Ordinal)],
            Providers = [.. state.Providers.OrderBy(p => p.Name, StringComparer.Ordinal)],
            Policies = [.. state.PolicyConfigs.OrderBy(p => p.Name, StringComparer.Ordinal)],
            Limits = input.Settings.Limits,
        };

        var content = Serialize(config);
        var mounts = state.Mounts.Select(m => new MountedSecret(m.Key, [.. m.Value])).ToList();
        return new CompiledRouterConfig(config, content, HashOf(content), state.PolicyVerdicts, state.TenantVerdicts, mounts, state.Notes,
            RouterConfigValidator.Validate(config));
    }

    /// <summary>The document as written to the ConfigMap: indented JSON (valid YAML too), properties in declaration order.</summary>
    public static string Serialize(RouterConfiguration config) =>
        JsonSerializer.Serialize(config, RouterConfigJsonContext.Default.RouterConfiguration) + "\n";

    /// <summary>The router's hash of a configuration file (<see cref="ConfigHash"/>, the one both sides use).</summary>
    public static string HashOf(string content) => ConfigHash.Of(content);

    /// <summary>The name a RoutingPolicy has in the compiled configuration.</summary>
    public static string PolicyName(RoutingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return $"{policy.Metadata.NamespaceProperty}/{policy.Metadata.Name}";
    }

    private static IEnumerable<T> ByAge<T>(IEnumerable<T> items)
        where T : k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> =>
        items.Where(i => i.Metadata?.DeletionTimestamp is null && !string.IsNullOrEmpty(i.Metadata?.Name))
            .OrderBy(i => i.Metadata.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(i => i.Metadata.NamespaceProperty ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(i => i.Metadata.Name, StringComparer.Ordinal);

    private static void CompileTenants(State state, IEnumerable<TenantQuota> quotas, IReadOnlyCollection<GpuNode> gpuNodes)
    {
        var declaredBy = new Dictionary<string, ObjectKey>(StringComparer.Ordinal);
        foreach (var quota in ByAge(quotas))
        {
            var key = ObjectKey.Of(quota);
            var spec = quota.Spec ?? new TenantQuotaSpec();
            var tenant = spec.Tenant;
            if (tenant == RoutingSettings.OperatorTenant)
            {
                state.TenantVerdicts[key] = new TenantVerdict(false, RoutingReasons.ReservedTenant, $"The tenant name {tenant} is reserved for the operator.");
                continue;
            }

            if (declaredBy.TryGetValue(tenant, out var first))
            {
                state.TenantVerdicts[key] = new TenantVerdict(false, RoutingReasons.DuplicateTenant, $"Tenant {tenant} is already declared by TenantQuota {first}; this one is ignored.");
                continue;
            }

            if (quota.Metadata.NamespaceProperty != state.Settings.RouterNamespace)
            {
                state.TenantVerdicts[key] = new TenantVerdict(false, RoutingReasons.SecretNotInRouterNamespace,
                    $"The router mounts key Secrets from its own namespace {state.Settings.RouterNamespace}; create this TenantQuota and its Secrets there.");
                continue;
            }

            var present = spec.ApiKeySecretRefs.Where(r => state.Secrets.Has(state.Settings.RouterNamespace, r.Name, r.Key)).ToList();
            var missing = spec.ApiKeySecretRefs.Except(present).Select(r => $"{r.Name}/{r.Key}").ToList();
            if (present.Count == 0)
            {
                state.TenantVerdicts[key] = new TenantVerdict(false, RoutingReasons.KeySecretMissing,
                    $"None of the API key Secrets exists with its key ({string.Join(", ", missing)}); the tenant is not configured.");
                continue;
            }

            declaredBy[tenant] = key;
            state.Tenants[tenant] = new TenantConfig
            {
                Name = tenant,
                Admin = spec.Admin,
                Keys = [.. present.Select(r => state.KeyFile(r.Name, r.Key))],
                // The role TenantQuota status shows (from GpuNodes), so the console never disagrees with it.
                Role = Controllers.TenantQuotaReconciler.RoleOf(tenant, gpuNodes, spec.Enrolled).ToString(),
                Plan = new TenantPlanConfig
                {
                    Enrolled = spec.Enrolled,
                    MonthlyTokenBudget = spec.MonthlyTokenBudget,
                    TokensPerMinute = spec.TokensPerMinute,
                    RequestsPerMinute = spec.RequestsPerMinute,
                    DefaultMaxTokens = spec.DefaultMaxTokens,
                    InputPerMTok = spec.Prices?.InputPerMTok ?? 0,
                    OutputPerMTok = spec.Prices?.OutputPerMTok ?? 0,
                    ReferenceInputPerMTok = spec.CommercialReference?.InputPerMTok ?? 0,
                    ReferenceOutputPerMTok = spec.CommercialReference?.OutputPerMTok ?? 0,
                    ShadowMode = spec.ShadowMode,
                },
            };
            state.TenantVerdicts[key] = new TenantVerdict(true, RoutingReasons.TenantConfigured, missing.Count == 0
                ? $"Tenant {tenant} is configured with {present.Count} key(s)."
                : $"Tenant {tenant} is configured with {present.Count} key(s); missing and not used: {string.Join(", ", missing)}.");
        }
    }

    private static void CompileBackends(State state, IEnumerable<ModelServing> modelServings, IReadOnlyList<GpuNode> gpuNodes)
    {
        var liveNodes = gpuNodes.Where(g => g.Metadata?.DeletionTimestamp is null && !string.IsNullOrEmpty(g.Metadata?.Name)).ToList();
        foreach (var ms in modelServings.Where(m => m.Metadata?.DeletionTimestamp is null)
                     .OrderBy(m => m.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata.Name, StringComparer.Ordinal))
        {
            var status = ms.Status;
            if (status?.Phase != ModelServingPhases.Ready || string.IsNullOrEmpty(status.Endpoint))
            {
                continue;
            }

            var spec = ms.Spec ?? new ModelServingSpec();
            var name = $"{ms.Metadata.NamespaceProperty}/{ms.Metadata.Name}";
            string? tenant;
            var shared = false;
            var share = 0;
            string? contributor = null;
            string? dcgmExporterUrl = null;
            SecretSource? apiKey = null;
            if (spec.Endpoint is { } endpoint)
            {
                tenant = endpoint.Tenant;
                shared = spec.Shared;
                if (endpoint.ApiKeySecretRef is { } keyRef)
                {
                    if (ms.Metadata.NamespaceProperty != state.Settings.RouterNamespace || !state.Secrets.Has(state.Settings.RouterNamespace, keyRef.Name, keyRef.Key))
                    {
                        state.Notes.Add($"ModelServing {name} left out: its endpoint key Secret {keyRef.Name}/{keyRef.Key} is not in namespace {state.Settings.RouterNamespace}.");
                        continue;
                    }

                    apiKey = state.KeyFile(keyRef.Name, keyRef.Key);
                }
            }
            else
            {
                var gpuNode = !string.IsNullOrEmpty(spec.GpuNode)
                    ? liveNodes.FirstOrDefault(g => g.Metadata.Name == spec.GpuNode)
                    : liveNodes.FirstOrDefault(g => !string.IsNullOrEmpty(status.NodeName) && g.Spec?.NodeName == status.NodeName);
                if (gpuNode is null)
                {
                    state.Notes.Add($"ModelServing {name} left out: its GpuNode is gone.");
                    continue;
                }

                // spec.tenant names the tenant the model serves; the GpuNode's tenant only owns the card. A tenant's
                // model on another tenant's sharing card is that tenant's backend, and the card owner is the
                // contributor credited (at the card's revenue share) when the model also serves the hosted pool.
                var cardOwner = gpuNode.Spec.Tenant;
                tenant = string.IsNullOrEmpty(spec.Tenant) ? cardOwner : spec.Tenant;
                var cardShares = gpuNode.Spec.Sharing?.Enabled == true;
                shared = spec.Shared && cardShares;
                share = gpuNode.Spec.Sharing?.RevenueSharePercent ?? 0;
                if (!string.IsNullOrEmpty(cardOwner) && cardOwner != tenant)
                {
                    contributor = cardOwner;
                }
                // An explicit url wins; with deploy, the GpuNode controller resolved the node's own exporter into status.
                dcgmExporterUrl = !string.IsNullOrWhiteSpace(gpuNode.Spec.DcgmExporter?.Url)
                    ? gpuNode.Spec.DcgmExporter.Url
                    : gpuNode.Spec.DcgmExporter?.Deploy == true ? gpuNode.Status?.DcgmExporterUrl : null;
            }

            var own = !string.IsNullOrEmpty(tenant);
            if (own && !state.Tenants.ContainsKey(tenant!))
            {
                state.Notes.Add($"ModelServing {name} left out: tenant {tenant} has no configured TenantQuota (no API key).");
                continue;
            }

            var models = status.ServedModels.Select(m => m.Id).Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (models.Count == 0 && !string.IsNullOrEmpty(status.ResolvedModel))
            {
                models.Add(status.ResolvedModel);
            }

            state.Backends.Add(new BackendConfig
            {
                Name = name,
                Tier = own ? TierNames.OwnGpu : TierNames.Hosted,
                Url = status.Endpoint.TrimEnd('/'),
                Tenant = own ? tenant : null,
                Shared = own && shared,
                Contributor = own && shared ? contributor : null,
                RevenueSharePercent = own && shared ? share : 0,
                Purpose = spec.Purpose ?? ModelPurposes.General,
                Models = models,
                // spec.embedding: the server runs a pooling model, so every model it serves takes embeddings only.
                EmbeddingModels = spec.Embedding ? [.. models] : [],
                ApiKey = apiKey,
                DcgmExporterUrl = dcgmExporterUrl,
                // Only a server the operator deploys has a known version; an endpoint may be any OpenAI-compatible server.
                ServesResponses = spec.Endpoint is null && !spec.Embedding && VllmApiSupport.ServesResponses(spec.Engine?.Image),
            });
        }
    }

    private sealed record AcceptedPolicy(RoutingPolicy Policy, PolicyConfig Config);

    private static List<AcceptedPolicy> CompilePolicies(State state, IEnumerable<RoutingPolicy> policies)
    {
        var accepted = new List<AcceptedPolicy>();
        var claimedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        string? defaultPolicy = null;
        var routerNs = state.Settings.RouterNamespace;
        foreach (var policy in ByAge(policies))
        {
            var key = ObjectKey.Of(policy);
            var spec = policy.Spec ?? new RoutingPolicySpec();
            var name = PolicyName(policy);
            var tiers = spec.Tiers.Where(t => t.Enabled).Select(t => t.Name).ToList();
            var tiersText = string.Join(",", tiers);
            var problems = new List<(string Reason, string Message)>();

            if (spec.Tenants.Contains(RoutingSettings.OperatorTenant))
            {
                problems.Add((RoutingReasons.ReservedTenant, $"tenant {RoutingSettings.OperatorTenant} is reserved for the operator"));
            }

            foreach (var provider in spec.Providers)
            {
                var r = provider.ApiKeySecretRef;
                if (policy.Metadata.NamespaceProperty != routerNs)
                {
                    problems.Add((RoutingReasons.SecretNotInRouterNamespace,
                        $"provider {provider.Name}: the router mounts key Secrets from its own namespace {routerNs}; create this policy and Secret {r.Name} there"));
                }
                else if (!state.Secrets.Exists(routerNs, r.Name))
                {
                    problems.Add((RoutingReasons.ProviderKeySecretMissing, $"provider {provider.Name}: Secret {r.Name} not found in namespace {routerNs}"));
                }
                else if (!state.Secrets.Has(routerNs, r.Name, r.Key))
                {
                    problems.Add((RoutingReasons.ProviderKeySecretMissing, $"provider {provider.Name}: Secret {r.Name} has no key {r.Key}"));
                }
            }

            foreach (var tenant in spec.Tenants)
            {
                if (claimedBy.TryGetValue(tenant, out var other))
                {
                    problems.Add((RoutingReasons.TenantConflict, $"tenant {tenant} is already named by RoutingPolicy {other}"));
                }
            }

            if (spec.Tenants.Count == 0 && defaultPolicy is not null)
            {
                problems.Add((RoutingReasons.DefaultPolicyConflict, $"RoutingPolicy {defaultPolicy} already names no tenants (only one default policy is allowed)"));
            }

            var knownTenants = spec.Tenants.Where(state.Tenants.ContainsKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var config = new PolicyConfig
            {
                Name = name,
                Tenants = knownTenants,
                Tiers = tiers,
                Providers = [.. spec.Providers.Select(p => p.Name)],
                Rules = ConfigPartsMapper.Rules(spec.Rules),
                Classification = ConfigPartsMapper.Classification(spec.Classification),
                Saturation = ConfigPartsMapper.Saturation(spec.Saturation),
                Timeouts = ConfigPartsMapper.Timeouts(spec.Timeouts),
                FallThroughOn = spec.FallThroughOn.Count > 0 ? [.. spec.FallThroughOn] : null,
                CircuitBreaker = ConfigPartsMapper.CircuitBreaker(spec.CircuitBreaker),
                SkipOwnGpuForHardPrompts = spec.SkipOwnGpuForHardPrompts,
                CodeDetection = string.IsNullOrEmpty(spec.CodeDetection) ? CodeDetectionModes.Enforce : spec.CodeDetection,
                PrefixAffinity = spec.PrefixAffinity,
                Judge = ConfigPartsMapper.Judge(spec.Judge),
            };

            if (problems.Count == 0)
            {
                // The router's own checks (rules, the coding invariant, ranges) on this policy alone.
                var probe = new RouterConfiguration
                {
                    Tenants = [.. knownTenants.Select(t => state.Tenants[t])],
                    Providers = [.. spec.Providers.Select(p => ToProviderConfig(p, p.Name, new SecretSource { Value = "probe" }))],
                    Policies = [config],
                };
                problems.AddRange(RouterConfigValidator.Validate(probe).Select(e => (RoutingReasons.ConfigInvalid, e)));
            }

            if (problems.Count > 0)
            {
                state.PolicyVerdicts[key] = new PolicyVerdict(false, problems[0].Reason, string.Join("; ", problems.Select(p => p.Message)), tiersText, []);
                continue;
            }

            foreach (var tenant in spec.Tenants)
            {
                claimedBy[tenant] = name;
            }

            if (spec.Tenants.Count == 0)
            {
                defaultPolicy = name;
            }

            accepted.Add(new AcceptedPolicy(policy, config));
        }

        foreach (var a in accepted)
        {
            var spec = a.Policy.Spec;
            var key = ObjectKey.Of(a.Policy);
            IEnumerable<string> governed = spec.Tenants.Count > 0
                ? a.Config.Tenants
                : state.Tenants.Keys.Where(t => t != RoutingSettings.OperatorTenant && !claimedBy.ContainsKey(t));
            var cascades = new List<EffectiveCascade>();
            var governedList = governed.ToList();
            foreach (var tenant in governedList.Count > 0 ? governedList : ["*"])
            {
                var hostedAllowed = tenant == "*" || state.Tenants[tenant].Plan is { Enrolled: true };
                cascades.AddRange(RequestClasses.All.Select(cls => new EffectiveCascade
                {
                    Tenant = tenant,
                    RequestClass = cls,
                    Tiers = [.. EffectiveCascadeCalculator.For(a.Config.Tiers, a.Config.Rules, cls, hostedAllowed)],
                }));
            }

            var message = $"Compiled into the router configuration with {a.Config.Tiers.Count} tier(s).";
            if (spec.Tenants.Count > 0 && a.Config.Tenants.Count == 0)
            {
                message = "Valid, but none of the tenants it names has a configured TenantQuota yet, so it applies to no one.";
            }
            else if (a.Config.Tenants.Count < spec.Tenants.Count)
            {
                message += $" Tenants without a configured TenantQuota are left out: {string.Join(", ", spec.Tenants.Except(a.Config.Tenants))}.";
            }

            state.PolicyVerdicts[key] = new PolicyVerdict(true, RoutingReasons.Valid, message, string.Join(",", a.Config.Tiers), cascades);
        }

        return accepted;
    }

    private static void CompileProviders(State state, List<AcceptedPolicy> accepted)
    {
        // A provider declared the same way by several policies is one provider; declared differently, each policy
        // gets its own, qualified by the policy's name.
        var definitions = accepted
            .SelectMany(a => a.Policy.Spec.Providers.Select(p => (Policy: a, Spec: p, Config: ToProviderConfig(p, p.Name, state.KeyFileUnmounted(p.ApiKeySecretRef)))))
            .GroupBy(d => d.Spec.Name, StringComparer.Ordinal);
        var nameOf = new Dictionary<(string Policy, string Provider), string>();
        foreach (var group in definitions)
        {
            var distinct = group.Select(d => JsonSerializer.Serialize(d.Config, RouterConfigJsonContext.Default.ProviderConfig)).Distinct(StringComparer.Ordinal).Count();
            foreach (var d in group)
            {
                var configName = distinct == 1 ? d.Spec.Name : $"{d.Spec.Name}@{d.Policy.Config.Name}";
                nameOf[(d.Policy.Config.Name, d.Spec.Name)] = configName;
                if (!state.Providers.Any(p => p.Name == configName))
                {
                    d.Config.Name = configName;
                    d.Config.ApiKey = state.KeyFile(d.Spec.ApiKeySecretRef.Name, d.Spec.ApiKeySecretRef.Key);
                    state.Providers.Add(d.Config);
                }
            }
        }

        foreach (var a in accepted)
        {
            a.Config.Providers = [.. a.Config.Providers.Select(p => nameOf[(a.Config.Name, p)])];
            if (a.Policy.Spec.Tenants.Count > 0 && a.Config.Tenants.Count == 0)
            {
                // An empty tenant list would make it the default policy: leave it out until one of its tenants exists.
                continue;
            }

            state.PolicyConfigs.Add(a.Config);
        }
    }

    private static ProviderConfig ToProviderConfig(ExternalProvider p, string name, SecretSource key) => new()
    {
        Name = name,
        ApiStyle = p.ApiStyle,
        BaseUrl = p.BaseUrl,
        ApiKey = key,
        TranslateTools = p.TranslateTools,
        Models = [.. p.Models.Select(ConfigPartsMapper.ProviderModel)],
    };

    private sealed class State(RoutingSettings settings, SecretCatalog secrets)
    {
        public RoutingSettings Settings { get; } = settings;

        public SecretCatalog Secrets { get; } = secrets;

        public SortedDictionary<string, TenantConfig> Tenants { get; } = new(StringComparer.Ordinal);

        public List<BackendConfig> Backends { get; } = [];

        public List<ProviderConfig> Providers { get; } = [];

        public List<PolicyConfig> PolicyConfigs { get; } = [];

        public Dictionary<ObjectKey, PolicyVerdict> PolicyVerdicts { get; } = [];

        public Dictionary<ObjectKey, TenantVerdict> TenantVerdicts { get; } = [];

        public SortedDictionary<string, SortedSet<string>> Mounts { get; } = new(StringComparer.Ordinal);

        public List<string> Notes { get; } = [];

        /// <summary>A file reference to a Secret key, and the mount that makes it exist.</summary>
        public SecretSource KeyFile(string secret, string key)
        {
            if (!Mounts.TryGetValue(secret, out var keys))
            {
                Mounts[secret] = keys = new SortedSet<string>(StringComparer.Ordinal);
            }

            keys.Add(key);
            return KeyFileUnmounted(new SecretKeyReference { Name = secret, Key = key });
        }

        public SecretSource KeyFileUnmounted(SecretKeyReference r) =>
            new() { File = string.Create(CultureInfo.InvariantCulture, $"{Settings.KeysDirectory.TrimEnd('/')}/{r.Name}/{r.Key}") };
    }
}
