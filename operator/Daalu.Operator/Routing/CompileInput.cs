using Daalu.Api.V1Alpha1;

namespace Daalu.Operator.Routing;

/// <summary>Everything the router configuration is compiled from: cache snapshots plus which Secret keys exist.</summary>
/// <param name="Policies">Every RoutingPolicy.</param>
/// <param name="ModelServings">Every ModelServing (only Ready ones become backends).</param>
/// <param name="GpuNodes">Every GpuNode (tenant, sharing and revenue share of the cards).</param>
/// <param name="TenantQuotas">Every TenantQuota (tenants, keys and hosted-pool plans).</param>
/// <param name="Secrets">Which referenced Secret keys exist.</param>
/// <param name="Settings">Router namespace, mount paths, the operator's admin key Secret.</param>
/// <param name="IncludeOperatorTenant">Whether the operator's admin tenant is configured (its key Secret exists).</param>
public sealed record CompileInput(
    IReadOnlyList<RoutingPolicy> Policies,
    IReadOnlyList<ModelServing> ModelServings,
    IReadOnlyList<GpuNode> GpuNodes,
    IReadOnlyList<TenantQuota> TenantQuotas,
    SecretCatalog Secrets,
    RoutingSettings Settings,
    bool IncludeOperatorTenant);
