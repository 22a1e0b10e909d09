using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;
using k8s.Models;

namespace Daalu.Operator.Tests.Children;

// Ownership as the GpuNode spec states it: a tenant's card is the tenant's unless spec.sharing.enabled contributes it
// to the hosted pool; operator-run cards (empty tenant) are the hosted pool (the GpuNode CRD refuses sharing on them).
public sealed class PlacementPolicyTests
{
    private static GpuNode Node(string name, string tenant, bool sharing = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new GpuNodeSpec { NodeName = "node-" + name, Tenant = tenant, Sharing = new GpuSharing { Enabled = sharing } },
        Status = new GpuNodeStatus { Phase = GpuNodePhases.Ready, GpuClass = GpuClasses.Rtx6000Ada },
    };

    [Theory]
    // ModelServing tenant, node tenant, node shares, allowed
    [InlineData("team-a", "team-a", false, true)]   // a tenant's own card
    [InlineData("team-a", "team-a", true, true)]    // its own card that it also shares
    [InlineData("team-a", "team-b", true, true)]    // another tenant's card contributed to the pool
    [InlineData("team-a", "team-b", false, false)]  // another tenant's card it keeps to itself
    [InlineData("team-a", "", false, false)]        // operator-run capacity is the hosted pool's, not a tenant's
    [InlineData(null, "", false, true)]             // hosted pool on operator-run capacity
    [InlineData("", "", false, true)]
    [InlineData(null, "team-b", true, true)]        // hosted pool on a sharing card
    [InlineData(null, "team-b", false, false)]      // the case: hosted pool taking a card that is not shared
    [InlineData("", "team-b", false, false)]
    public void MayRunOn_Table(string? servingTenant, string nodeTenant, bool sharing, bool allowed)
    {
        Assert.Equal(allowed, PlacementPolicy.MayRunOn(servingTenant, Node("g", nodeTenant, sharing).Spec));
    }

    [Theory]
    // tenant, nodes as name:tenant[:shared], current node, expected GpuNode (or reason)
    [InlineData("team-a", "a1:team-a,b1:team-b", null, "a1")]
    [InlineData("team-a", "b1:team-b:shared,a1:team-a", null, "a1")]               // own card before a shared one
    [InlineData("team-a", "b1:team-b:shared,op:", null, "b1")]                      // only a shared card is allowed
    [InlineData("team-a", "b1:team-b,op:", null, "NoEligibleGpuNode")]
    [InlineData(null, "a1:team-a,op:", null, "op")]
    [InlineData(null, "a1:team-a:shared,op:", null, "op")]                          // operator-run before a contributed card
    [InlineData(null, "a1:team-a:shared,b1:team-b", null, "a1")]
    [InlineData(null, "a1:team-a,b1:team-b", null, "NoEligibleGpuNode")]
    [InlineData(null, "", null, "NoReadyGpuNodeOfClass")]
    [InlineData(null, "op1:,op2:", "node-op2", "op2")]                              // stays where it runs
    [InlineData(null, "op1:,a1:team-a", "node-a1", "op1")]                          // moves off a card it may no longer use
    public void Choose_Table(string? tenant, string nodes, string? current, string expected)
    {
        var ready = nodes.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n =>
        {
            var parts = n.Split(':');
            return Node(parts[0], parts[1], parts.Length > 2 && parts[2] == "shared");
        }).ToList();

        var choice = PlacementPolicy.Choose(tenant, GpuClasses.Rtx6000Ada, ready, current, new Dictionary<string, int>());

        Assert.Equal(expected, choice.GpuNode?.Metadata.Name ?? choice.Reason);
    }

    [Fact]
    public void Choose_SeveralAllowed_FewestPlacedFirst()
    {
        var ready = new[] { Node("op1", ""), Node("op2", ""), Node("op3", "") };
        var placed = new Dictionary<string, int> { ["node-op1"] = 2, ["node-op2"] = 1 };

        Assert.Equal("op3", PlacementPolicy.Choose(null, GpuClasses.Rtx6000Ada, ready, null, placed).GpuNode!.Metadata.Name);
    }

    [Fact]
    public void Choose_NoneAllowed_MessageNamesEachCardAndTheRule()
    {
        var ready = new[] { Node("a1", "team-a"), Node("op", "") };

        var choice = PlacementPolicy.Choose("team-b", GpuClasses.Rtx6000Ada, ready, null, new Dictionary<string, int>());

        Assert.Null(choice.GpuNode);
        Assert.Equal("NoEligibleGpuNode", choice.Reason);
        Assert.Equal(
            "2 Ready GpuNode(s) of class 'rtx-6000-ada' exist but none may run a ModelServing of tenant 'team-b': a1 (tenant 'team-a', " +
            "not shared), op (operator-run). A tenant's ModelServing runs on that tenant's GpuNodes or on sharing ones; a hosted-pool " +
            "ModelServing (no spec.tenant) on operator-run (empty tenant) or sharing ones.",
            choice.Message);
    }

    [Fact]
    public void Refusal_NamesTheCardAndItsTenant()
    {
        var message = PlacementPolicy.Refusal(null, Node("a1", "team-a"));

        Assert.StartsWith("GpuNode 'a1' belongs to tenant 'team-a' and does not share it, so it may not run a hosted-pool ModelServing", message, StringComparison.Ordinal);
    }
}
