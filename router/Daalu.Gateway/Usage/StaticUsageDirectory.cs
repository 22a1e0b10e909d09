using System.Collections.Frozen;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Abstractions;

namespace Daalu.Gateway.Usage;

/// <summary>An <see cref="IUsageDirectory"/> over a snapshot the router replaces whenever its configuration changes.</summary>
public sealed class StaticUsageDirectory : IUsageDirectory
{
    private volatile Snapshot _snapshot = new(FrozenDictionary<string, TenantPlan>.Empty, FrozenDictionary<string, TenantRole>.Empty, []);

    /// <summary>Creates an empty directory.</summary>
    public StaticUsageDirectory()
    {
    }

    /// <summary>Creates a directory with the given contents.</summary>
    public StaticUsageDirectory(IEnumerable<TenantPlan> plans, IReadOnlyDictionary<string, TenantRole> roles, IEnumerable<CommercialSku> skus) =>
        Update(plans, roles, skus);

    /// <inheritdoc />
    public IReadOnlyList<CommercialSku> CommercialSkus => _snapshot.Skus;

    /// <summary>Atomically replaces plans, roles and SKUs.</summary>
    public void Update(IEnumerable<TenantPlan> plans, IReadOnlyDictionary<string, TenantRole> roles, IEnumerable<CommercialSku> skus)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(skus);
        _snapshot = new Snapshot(
            plans.ToFrozenDictionary(p => p.Tenant, StringComparer.Ordinal),
            roles.ToFrozenDictionary(StringComparer.Ordinal),
            [.. skus]);
    }

    /// <inheritdoc />
    public TenantPlan? PlanOf(string tenant) => _snapshot.Plans.GetValueOrDefault(tenant);

    /// <inheritdoc />
    public TenantRole RoleOf(string tenant) => _snapshot.Roles.GetValueOrDefault(tenant, TenantRole.None);

    private sealed record Snapshot(FrozenDictionary<string, TenantPlan> Plans, FrozenDictionary<string, TenantRole> Roles, CommercialSku[] Skus);
}
