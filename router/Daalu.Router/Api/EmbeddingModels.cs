using Daalu.Contracts;
using Daalu.Router.Configuration;
using Daalu.Router.Planning;

namespace Daalu.Router.Api;

/// <summary>Whether a tenant can reach any declared embedding model (backends' embeddingModels, providers' embeddings).</summary>
public static class EmbeddingModels
{
    /// <summary>True when some backend or provider model the tenant's tiers can reach is declared as an embedding model.</summary>
    public static bool Configured(RouterSnapshot snap, TenantRuntime tenant)
    {
        ArgumentNullException.ThrowIfNull(snap);
        ArgumentNullException.ThrowIfNull(tenant);
        var tiers = tenant.Policy.Config.Tiers;
        var own = tiers.Contains(TierNames.OwnGpu) && snap.Backends.Any(b => b.Tier == TierNames.OwnGpu && b.Tenant == tenant.Name && b.EmbeddingModels.Count > 0);
        var hosted = tiers.Contains(TierNames.Hosted) && tenant.Plan is { Enrolled: true }
            && CascadePlanner.HostedPool(snap, tenant.Name).Any(b => b.EmbeddingModels.Count > 0);
        var external = tiers.Contains(TierNames.External) && tenant.Policy.Providers.Any(p => p.Config.Models.Any(m => m.Embeddings));
        return own || hosted || external;
    }
}
