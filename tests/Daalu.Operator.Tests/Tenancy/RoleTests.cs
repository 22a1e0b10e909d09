using Daalu.Api.V1Alpha1;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;
using Daalu.Operator.Controllers;
using Daalu.Operator.Tenancy;
using Daalu.Operator.Tests.Routing;

namespace Daalu.Operator.Tests.Tenancy;

// The role is derived by the gateway's RoleResolver from the tenant's GpuNodes and enrolment, never chosen.
public sealed class RoleTests
{
    public static TheoryData<string, bool, TenantRole> Cases => new()
    {
        { "own ready card", true, TenantRole.Owner },
        { "own ready shared card", true, TenantRole.Provider },
        { "own card not ready", true, TenantRole.Consumer },
        { "own card not ready", false, TenantRole.None },
        { "no card", true, TenantRole.Consumer },
        { "no card", false, TenantRole.None },
        { "only another tenant's card", true, TenantRole.Consumer },
        { "own card being deleted", false, TenantRole.None },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RoleOf_GpuNodesAndEnrolment_Derived(string situation, bool enrolled, TenantRole expected)
    {
        var nodes = situation switch
        {
            "own ready card" => [RoutingFixtures.GpuNode("g", "team-a")],
            "own ready shared card" => [RoutingFixtures.GpuNode("g", "team-a"), RoutingFixtures.GpuNode("h", "team-a", sharing: true)],
            "own card not ready" => [NotReady(RoutingFixtures.GpuNode("g", "team-a"))],
            "only another tenant's card" => [RoutingFixtures.GpuNode("g", "lab-b", sharing: true)],
            "own card being deleted" => [Deleting(RoutingFixtures.GpuNode("g", "team-a"))],
            _ => new List<GpuNode>(),
        };

        Assert.Equal(expected, TenantQuotaReconciler.RoleOf("team-a", nodes, enrolled));
    }

    private static GpuNode NotReady(GpuNode g)
    {
        g.Status!.Phase = GpuNodePhases.NodeNotFound;
        return g;
    }

    private static GpuNode Deleting(GpuNode g)
    {
        g.Metadata.DeletionTimestamp = DateTime.UtcNow;
        return g;
    }
}
