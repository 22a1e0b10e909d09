using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Operator.Routing;
using k8s.Models;

namespace Daalu.Operator.Tests.Routing;

/// <summary>Objects as the API server would hand them to the compiler (status filled in where a reconciler would have).</summary>
internal static class RoutingFixtures
{
    public const string Ns = "daalu-system";

    private static readonly DateTime Epoch = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    public static RoutingSettings Settings() => new() { RouterNamespace = Ns };

    public static RoutingPolicy Policy(string name = "default", int ageMinutes = 0, string ns = Ns, Action<RoutingPolicySpec>? configure = null)
    {
        var p = new RoutingPolicy
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Generation = 1, CreationTimestamp = Epoch.AddMinutes(ageMinutes) },
            Spec = new RoutingPolicySpec
            {
                Tiers = [new TierSpec { Name = TierNames.OwnGpu }, new TierSpec { Name = TierNames.Hosted }, new TierSpec { Name = TierNames.External }],
                Providers = [Provider("openai", "external-provider-keys", "openai")],
                Rules = [new RoutingRule { Name = "coding-stays-inside", RequestClasses = [RequestClasses.Coding], Action = RuleActions.Deny, Tiers = [TierNames.External] }],
            },
        };
        configure?.Invoke(p.Spec);
        return p;
    }

    public static ExternalProvider Provider(string name, string secret, string key, string model = "gpt-4.1-mini") => new()
    {
        Name = name,
        ApiStyle = ApiStyles.OpenAI,
        BaseUrl = "https://api.openai.com/v1",
        ApiKeySecretRef = new SecretKeyReference { Name = secret, Key = key },
        Models = [new ProviderModel { Name = model, Serves = ["auto", "general"], InputPricePerMTok = 0.4m, OutputPricePerMTok = 1.6m }],
    };

    public static TenantQuota Quota(string tenant, int ageMinutes = 0, string? name = null, string ns = Ns, bool enrolled = true, string secret = "", string key = "key-1")
    {
        var q = new TenantQuota
        {
            Metadata = new V1ObjectMeta { Name = name ?? tenant, NamespaceProperty = ns, Generation = 1, CreationTimestamp = Epoch.AddMinutes(ageMinutes) },
            Spec = new TenantQuotaSpec
            {
                Tenant = tenant,
                ApiKeySecretRefs = [new SecretKeyReference { Name = secret.Length > 0 ? secret : $"{tenant}-api-keys", Key = key }],
                Enrolled = enrolled,
                MonthlyTokenBudget = enrolled ? 100_000 : 0,
                Prices = new TokenPrices { InputPerMTok = 0.2m, OutputPerMTok = 0.6m },
                CommercialReference = new TokenPrices { InputPerMTok = 3m, OutputPerMTok = 15m },
            },
        };
        return q;
    }

    public static GpuNode GpuNode(string name, string tenant, bool sharing = false, int share = 70, string? nodeName = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Generation = 1 },
        Spec = new GpuNodeSpec { NodeName = nodeName ?? name + "-node", Tenant = tenant, Sharing = new GpuSharing { Enabled = sharing, RevenueSharePercent = share } },
        Status = new GpuNodeStatus { Phase = GpuNodePhases.Ready, GpuClass = GpuClasses.Rtx2000Ada },
    };

    /// <summary>A ModelServing on a GpuNode, Ready and serving <paramref name="models"/> (as its reconciler reports).</summary>
    public static ModelServing OnGpuNode(string name, string gpuNode, string purpose = ModelPurposes.General, bool shared = false, string phase = ModelServingPhases.Ready, params string[] models) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Generation = 1 },
        Spec = new ModelServingSpec { GpuNode = gpuNode, Purpose = purpose, Shared = shared },
        Status = new ModelServingStatus
        {
            Phase = phase,
            Endpoint = $"http://ms-{name}.{Ns}.svc:8000",
            ResolvedModel = models.FirstOrDefault(),
            ServedModels = [.. models.Select(m => new ServedModel { Id = m })],
        },
    };

    /// <summary>An endpoint ModelServing (a server reached over a tunnel); no tenant means operator-run hosted capacity.</summary>
    public static ModelServing Endpoint(string name, string url, string? tenant = null, string purpose = ModelPurposes.General, string phase = ModelServingPhases.Ready, params string[] models) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Generation = 1 },
        Spec = new ModelServingSpec { Endpoint = new ModelEndpoint { Url = url, Tenant = tenant }, Model = models.FirstOrDefault(), Purpose = purpose },
        Status = new ModelServingStatus
        {
            Phase = phase,
            Endpoint = url,
            ResolvedModel = models.FirstOrDefault(),
            ServedModels = [.. models.Select(m => new ServedModel { Id = m })],
        },
    };

    /// <summary>The Secrets the default fixtures refer to, all present with their keys.</summary>
    public static SecretCatalog Secrets(params string[] tenants)
    {
        var c = new SecretCatalog().Add(Ns, "external-provider-keys", ["openai", "anthropic"]).Add(Ns, "daalu-router-admin-key", ["key"]);
        foreach (var t in tenants)
        {
            c.Add(Ns, $"{t}-api-keys", ["key-1"]);
        }

        return c;
    }

    public static CompileInput Input(
        IEnumerable<RoutingPolicy>? policies = null,
        IEnumerable<ModelServing>? servings = null,
        IEnumerable<GpuNode>? gpuNodes = null,
        IEnumerable<TenantQuota>? quotas = null,
        SecretCatalog? secrets = null,
        bool operatorTenant = true) =>
        new([.. policies ?? [Policy()]], [.. servings ?? []], [.. gpuNodes ?? []], [.. quotas ?? []], secrets ?? Secrets(), Settings(), operatorTenant);
}
