using Daalu.Contracts.Usage;
using Daalu.Gateway.Abstractions;

namespace Daalu.Gateway.Usage;

/// <summary>What the usage API needs to know from the router's configuration: plans, roles and SKUs.</summary>
public interface IUsageDirectory
{
    /// <summary>The tenant's plan, or null when it has none.</summary>
    TenantPlan? PlanOf(string tenant);

    /// <summary>The tenant's role, from <see cref="RoleResolver.Resolve"/>.</summary>
    TenantRole RoleOf(string tenant);

    /// <summary>Commercial models for the SKU comparison.</summary>
    IReadOnlyList<CommercialSku> CommercialSkus { get; }
}
