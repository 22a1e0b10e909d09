using System.Diagnostics;
using Daalu.Api.V1Alpha1;
using Daalu.Operator.Tests.Support;
using Daalu.TestDoubles.OpenAICompatible;

namespace Daalu.Operator.Tests.Controllers;

// Reconciles that run before the informer has delivered the operator's own last write. The test server holds one
// kind's watch events back (as a lagging watch would) while the resync and requeues reconcile the object again and
// again; each reconcile must see what the operator itself just wrote, so nothing is written twice.
public sealed class ReadYourWritesTests
{
    // At least `count` more reconciles of `kind` and at least `minimum` of wall time (so a condition's
    // lastTransitionTime, which has second resolution, would differ between them).
    private static async Task ReconcileAgainAsync(OperatorHarness h, string kind, int count, TimeSpan minimum)
    {
        var before = h.Reconciles(kind);
        var clock = Stopwatch.StartNew();
        await OperatorHarness.EventuallyAsync(() => Task.FromResult(h.Reconciles(kind) >= before + count && clock.Elapsed >= minimum),
            $"{count} more {kind} reconciles");
    }

    [Fact]
    public async Task Reconcile_ServiceWatchLagging_CreatesTheServiceOnce()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        h.Server.ClearRequests();
        h.Server.HoldWatches("services");

        await h.CreateModelServingAsync(Fixtures.ModelServing("lagging"));
        await OperatorHarness.EventuallyAsync(() => h.GetModelServingAsync("team-a", "lagging"), m => m.Status?.Phase == ModelServingPhases.Deploying, "Deploying");
        await ReconcileAgainAsync(h, "ModelServing", 3, TimeSpan.Zero);
        h.Server.ReleaseWatches();

        Assert.True(h.Server.CountWriteRequests("services") == 1, h.DescribeWrites());
    }

    [Fact]
    public async Task Reconcile_NodeWatchLagging_LabelsTheNodeOnce()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a", tenant: "team-a"));
        await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-1"), g => g.Status?.Phase == GpuNodePhases.Pending, "GpuNode Pending");
        await ReconcileAgainAsync(h, "GpuNode", 2, TimeSpan.Zero);
        h.Server.ClearRequests();
        h.Server.HoldWatches("nodes");

        await h.PatchGpuNodeAsync("gpu-1", """{"spec":{"tenant":"team-b"}}""");
        await OperatorHarness.EventuallyAsync(() => h.GetNodeAsync("node-a")!, n => n.Metadata.Labels["ai.daalu.io/tenant"] == "team-b", "tenant label");
        await ReconcileAgainAsync(h, "GpuNode", 3, TimeSpan.Zero);
        h.Server.ReleaseWatches();

        Assert.True(h.Server.CountWriteRequests("nodes") == 1, h.DescribeWrites("test") + " | operator: " + h.DescribeWrites());
    }

    [Fact]
    public async Task Reconcile_OwnWatchLagging_WritesTheStatusOnceWithoutConflicts()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        await using var vllm = await VllmDouble.StartNewAsync("vllm", "Qwen/Qwen2.5-Coder-14B-Instruct-AWQ");
        h.Routes.Route("ms-coder.team-a.svc:8000", vllm.BaseUrl);
        await h.CreateModelServingAsync(Fixtures.ModelServing("coder"));
        await OperatorHarness.EventuallyAsync(() => h.GetModelServingAsync("team-a", "coder"), m => m.Status?.Phase == ModelServingPhases.Deploying, "Deploying");
        await ReconcileAgainAsync(h, "ModelServing", 2, TimeSpan.Zero);
        h.Server.ClearRequests();
        h.Server.HoldWatches("modelservings");

        await h.MarkDeploymentReadyAsync("team-a", "ms-coder");
        await OperatorHarness.EventuallyAsync(() => h.GetModelServingAsync("team-a", "coder"), m => m.Status?.Phase == ModelServingPhases.Ready, "Ready");
        await ReconcileAgainAsync(h, "ModelServing", 3, TimeSpan.FromSeconds(1.2));
        h.Server.ReleaseWatches();

        Assert.True(h.Server.CountWriteRequests("modelservings") == 1, h.DescribeWrites());
    }
}
