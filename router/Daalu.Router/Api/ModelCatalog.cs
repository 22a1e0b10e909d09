using Daalu.Contracts;
using Daalu.Router.Backends;
using Daalu.Router.Configuration;
using Daalu.Router.Planning;

namespace Daalu.Router.Api;

/// <summary>Which models a tenant can reach through its policy (for /v1/models and the unknown-model check).</summary>
public static class ModelCatalog
{
    /// <summary>Model ids and who owns them, sorted; aliases included when something can serve them.</summary>
    public static IReadOnlyList<(string Id, string OwnedBy)> ForTenant(RouterSnapshot snap, TenantRuntime tenant, BackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(snap);
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(registry);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var tiers = tenant.Policy.Config.Tiers;
        var purposes = new HashSet<string>(StringComparer.Ordinal);
        if (tiers.Contains(TierNames.OwnGpu))
        {
            foreach (var b in snap.Backends.Where(b => b.Tier == TierNames.OwnGpu && b.Tenant == tenant.Name))
            {
                purposes.Add(b.Purpose);
                foreach (var m in CascadePlanner.ServedModels(b, registry.View(b.Name)))
                {
                    result.TryAdd(m, tenant.Name);
                }
            }
        }

        if (tiers.Contains(TierNames.Hosted) && tenant.Plan is { Enrolled: true })
        {
            foreach (var b in CascadePlanner.HostedPool(snap, tenant.Name))
            {
                purposes.Add(b.Purpose);
                foreach (var m in CascadePlanner.ServedModels(b, registry.View(b.Name)))
                {
                    result.TryAdd(m, "daalu-hosted");
                }
            }
        }

        if (tiers.Contains(TierNames.External))
        {
            foreach (var p in tenant.Policy.Providers.Where(p => p.HasKey))
            {
                foreach (var m in p.Config.Models)
                {
                    result.TryAdd(m.Name, p.Name);
                    if (m.Serves.Contains(ModelAliases.General) || m.Serves.Contains(ModelAliases.Auto))
                    {
                        purposes.Add(ModelAliases.General);
                    }
                }
            }
        }

        if (purposes.Count > 0)
        {
            result.TryAdd(ModelAliases.Auto, "daalu");
        }

        foreach (var p in purposes)
        {
            result.TryAdd(p, "daalu");
        }

        return result.Select(kv => (kv.Key, kv.Value)).ToArray();
    }

    /// <summary>Whether <paramref name="model"/> may be requested by <paramref name="tenant"/> (hot path: no allocations beyond the views).</summary>
    public static ModelVisibility Check(RouterSnapshot snap, TenantRuntime tenant, string model, BackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(snap);
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(registry);
        if (ModelAliases.IsAlias(model))
        {
            return ModelVisibility.Visible;
        }

        var tiers = tenant.Policy.Config.Tiers;
        var ownTier = tiers.Contains(TierNames.OwnGpu);
        var hostedTier = tiers.Contains(TierNames.Hosted) && tenant.Plan is { Enrolled: true };
        var elsewhere = false;
        foreach (var b in snap.Backends)
        {
            if (!CascadePlanner.ServedModels(b, registry.View(b.Name)).Contains(model))
            {
                continue;
            }

            var mine = b.Tier == TierNames.OwnGpu && b.Tenant == tenant.Name;
            var pool = b.Tier == TierNames.Hosted || (b.Shared && b.Tenant != tenant.Name);
            if ((mine && ownTier) || (pool && hostedTier))
            {
                return ModelVisibility.Visible;
            }

            elsewhere = true;
        }

        if (tiers.Contains(TierNames.External))
        {
            foreach (var p in tenant.Policy.Providers)
            {
                if (p.HasKey && p.Config.Models.Any(m => CascadePlanner.ProviderServes(m, model)))
                {
                    return ModelVisibility.Visible;
                }
            }
        }

        return elsewhere ? ModelVisibility.OtherTenant : ModelVisibility.Unknown;
    }
}
