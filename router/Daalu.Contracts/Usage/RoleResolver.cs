namespace Daalu.Contracts.Usage;

/// <summary>Role resolution as a pure function of a tenant's GpuNodes and enrolment.</summary>
public static class RoleResolver
{
    /// <summary>
    /// Provider when a ready node of the tenant shares; Owner when it has a ready node; Consumer when it has no
    /// ready node but is enrolled; None otherwise. A node that is not ready counts as no GPU.
    /// </summary>
    public static TenantRole Resolve(string tenant, IEnumerable<(bool Ready, bool Sharing)> gpuNodesOfTenant, bool enrolled)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        ArgumentNullException.ThrowIfNull(gpuNodesOfTenant);
        var owner = false;
        foreach (var (ready, sharing) in gpuNodesOfTenant)
        {
            if (!ready)
            {
                continue;
            }

            if (sharing)
            {
                return TenantRole.Provider;
            }

            owner = true;
        }

        return owner ? TenantRole.Owner : enrolled ? TenantRole.Consumer : TenantRole.None;
    }
}
