using Daalu.Api.V1Alpha1;
using Daalu.Operator.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace Daalu.Operator.Tests.Controllers;

public sealed class LeaderElectionTests
{
    [Fact]
    public async Task TwoReplicas_OnlyLeaderWrites_StandbyTakesOverWhenLeaderStops()
    {
        await using var h = await OperatorHarness.StartAsync(startOperator: false);
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await h.CreateNodeAsync(Fixtures.Node("node-b"));
        using var first = h.BuildReplica("replica-1");
        await first.StartAsync();
        await OperatorHarness.EventuallyAsync(() => Task.FromResult(h.Server.Peek("leases", "default", "daalu-operator", "coordination.k8s.io")
            ?["spec"]?["holderIdentity"]?.GetValue<string>() == "replica-1"), "replica-1 holds the lease");
        using var second = h.BuildReplica("replica-2");
        await second.StartAsync();

        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-a", "node-a"));
        await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-a"), g => g.Status?.Phase == GpuNodePhases.Pending, "leader reconciled gpu-a");
        await Task.Delay(500);

        // The standby has informers running but no controller: not a single write, lease renewals aside.
        Assert.DoesNotContain(h.Server.Requests, r => r.IsWrite && r.User == "replica-2" && r.Resource != "leases");
        Assert.True(h.OperatorWrites("replica-1") > 0);

        await first.StopAsync(); // releases the lease on a graceful stop

        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-b", "node-b"));
        await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-b"), g => g.Status?.Phase == GpuNodePhases.Pending,
            "the new leader reconciled gpu-b", timeoutMs: 20000);
        Assert.Contains(h.Server.Requests, r => r.IsWrite && r.User == "replica-2" && r.Resource == "gpunodes");
        await second.StopAsync();
    }
}
