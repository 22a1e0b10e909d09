using Daalu.Api.V1Alpha1;
using Daalu.KubeApiServer;
using Daalu.Operator.Tests.Support;
using k8s.Models;

namespace Daalu.Operator.Tests.Controllers;

// Each test runs the whole operator (runtime host + both controllers) against the Kubernetes API test server.
public sealed class GpuNodeControllerTests
{
    private static Task<GpuNode> WaitForPhaseAsync(OperatorHarness h, string name, string phase) =>
        OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync(name), g => g.Status?.Phase == phase, $"GpuNode {name} phase {phase}");

    [Fact]
    public async Task Create_AdaNode_LabelsNodeRunsDevicePluginAndBecomesReady()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a"));

        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a", tenant: "team-a"));

        var pending = await WaitForPhaseAsync(h, "gpu-1", GpuNodePhases.Pending);
        Assert.Equal(GpuClasses.Rtx2000Ada, pending.Status!.GpuClass);
        Assert.Equal("NVIDIA-RTX-2000-Ada-Generation", pending.Status.Product);
        Assert.Equal(16380, pending.Status.MemoryMiB);
        Assert.Equal(1, pending.Status.GpuCount);
        Assert.False(pending.Status.DevicePluginReady);
        Assert.Equal("DevicePluginNotReady", pending.Status.Conditions.Single(c => c.Type == "Ready").Reason);
        Assert.Contains("ai.daalu.io/node-labels", pending.Metadata.Finalizers);
        Assert.Equal(pending.Metadata.Generation, pending.Status.ObservedGeneration);

        var labels = (await h.GetNodeAsync("node-a")).Metadata.Labels;
        Assert.Equal("rtx-2000-ada", labels["ai.daalu.io/gpu-class"]);
        Assert.Equal("team-a", labels["ai.daalu.io/tenant"]);
        Assert.Equal("enabled", labels["ai.daalu.io/device-plugin"]);
        Assert.Equal("NVIDIA-RTX-2000-Ada-Generation", labels["nvidia.com/gpu.product"]); // others' labels untouched

        var ds = await h.TryGetDaemonSetAsync();
        Assert.NotNull(ds);
        Assert.Equal(DevicePluginSpec.DefaultImage, ds.Spec.Template.Spec.Containers[0].Image);

        await h.StartDevicePluginPodAsync("node-a");
        var ready = await WaitForPhaseAsync(h, "gpu-1", GpuNodePhases.Ready);
        Assert.True(ready.Status!.DevicePluginReady);
        var condition = ready.Status.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal(ConditionStatus.True, condition.Status);
        Assert.Equal(ready.Metadata.Generation, condition.ObservedGeneration);
    }

    [Fact]
    public async Task Create_NonAdaProduct_UnsupportedNamingProductAndNoClassLabel()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a", product: "NVIDIA-A100-SXM4-80GB", memory: "81920"));

        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a"));

        var gpuNode = await WaitForPhaseAsync(h, "gpu-1", GpuNodePhases.Unsupported);
        var ready = gpuNode.Status!.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal("UnsupportedProduct", ready.Reason);
        Assert.Contains("NVIDIA-A100-SXM4-80GB", ready.Message, StringComparison.Ordinal);
        var labels = (await h.GetNodeAsync("node-a")).Metadata.Labels;
        Assert.False(labels.ContainsKey("ai.daalu.io/gpu-class"));
        Assert.False(labels.ContainsKey("ai.daalu.io/device-plugin"));
    }

    [Fact]
    public async Task Create_NodeMissingThenAppears_NodeNotFoundThenDetected()
    {
        await using var h = await OperatorHarness.StartAsync();

        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-late"));
        var missing = await WaitForPhaseAsync(h, "gpu-1", GpuNodePhases.NodeNotFound);
        Assert.Equal("NodeNotFound", missing.Status!.Conditions.Single(c => c.Type == "Ready").Reason);

        // The Node watch maps the new Node back to the GpuNode that names it.
        await h.CreateNodeAsync(Fixtures.Node("node-late", product: "NVIDIA-RTX-6000-Ada-Generation", memory: "49140"));
        var found = await WaitForPhaseAsync(h, "gpu-1", GpuNodePhases.Pending);
        Assert.Equal(GpuClasses.Rtx6000Ada, found.Status!.GpuClass);
    }

    [Fact]
    public async Task SpecChange_ImageAndTenant_DaemonSetAndLabelsFollow()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a", tenant: "team-a"));
        await WaitForPhaseAsync(h, "gpu-1", GpuNodePhases.Pending);

        await h.PatchGpuNodeAsync("gpu-1", """{"spec":{"tenant":"team-b","devicePlugin":{"image":"nvcr.io/nvidia/k8s-device-plugin:v0.17.1"}}}""");

        await OperatorHarness.EventuallyAsync(h.TryGetDaemonSetAsync,
            ds => ds.Spec.Template.Spec.Containers[0].Image == "nvcr.io/nvidia/k8s-device-plugin:v0.17.1", "DaemonSet image update");
        await OperatorHarness.EventuallyAsync(() => h.GetNodeAsync("node-a")!,
            n => n.Metadata.Labels["ai.daalu.io/tenant"] == "team-b", "tenant label update");
        await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-1"),
            g => g.Status?.ObservedGeneration == g.Metadata.Generation && g.Metadata.Generation == 2, "observedGeneration 2");
    }

    [Fact]
    public async Task Delete_LastGpuNode_RemovesLabelsAndDaemonSet_OtherNodeKeepsIt()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await h.CreateNodeAsync(Fixtures.Node("node-b", product: "NVIDIA-RTX-6000-Ada-Generation", memory: "49140"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-a", "node-a"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-b", "node-b"));
        await WaitForPhaseAsync(h, "gpu-a", GpuNodePhases.Pending);
        await WaitForPhaseAsync(h, "gpu-b", GpuNodePhases.Pending);

        await h.DeleteGpuNodeAsync("gpu-a");

        await OperatorHarness.EventuallyAsync(async () => await h.GetGpuNodeAsync("gpu-a") is null, "gpu-a gone (finalizer removed)");
        var labelsA = (await h.GetNodeAsync("node-a")).Metadata.Labels;
        Assert.DoesNotContain(labelsA.Keys, k => k.StartsWith("ai.daalu.io/", StringComparison.Ordinal));
        Assert.Equal("rtx-6000-ada", (await h.GetNodeAsync("node-b")).Metadata.Labels["ai.daalu.io/gpu-class"]);
        Assert.NotNull(await h.TryGetDaemonSetAsync());

        await h.DeleteGpuNodeAsync("gpu-b");

        await OperatorHarness.EventuallyAsync(async () => await h.TryGetDaemonSetAsync() is null, "DaemonSet removed with the last GpuNode");
        await OperatorHarness.EventuallyAsync(async () => await h.GetGpuNodeAsync("gpu-b") is null, "gpu-b gone");
        Assert.DoesNotContain((await h.GetNodeAsync("node-b")).Metadata.Labels.Keys, k => k.StartsWith("ai.daalu.io/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DevicePluginDisabled_NoDaemonSet_ReadyFromAllocatable()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a", allocatable: 1));

        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a", configure: s => s.DevicePlugin.Enabled = false));

        var ready = await WaitForPhaseAsync(h, "gpu-1", GpuNodePhases.Ready);
        Assert.True(ready.Status!.DevicePluginReady);
        Assert.Null(await h.TryGetDaemonSetAsync());
        Assert.False((await h.GetNodeAsync("node-a")).Metadata.Labels.ContainsKey("ai.daalu.io/device-plugin"));
    }

    [Fact]
    public async Task ReconcileAgain_NoChange_WritesNothing()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a"));
        await WaitForPhaseAsync(h, "gpu-1", GpuNodePhases.Pending);
        await h.StartDevicePluginPodAsync("node-a");
        var converged = await WaitForPhaseAsync(h, "gpu-1", GpuNodePhases.Ready);
        await Task.Delay(300);
        h.Server.ClearRequests();
        var before = h.Reconciles("GpuNode");

        await Task.Delay(1500); // several resync periods: every GpuNode is reconciled again and again

        Assert.True(h.Reconciles("GpuNode") - before >= 3, "the resync should have reconciled the GpuNode several times");
        Assert.True(h.OperatorWrites() == 0, h.DescribeWrites());
        Assert.Equal(converged.Metadata.ResourceVersion, (await h.GetGpuNodeAsync("gpu-1"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task StatusConflict_Requeued_Converges()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        h.Server.InjectFailure(new FailureRule { Verb = "patch", Resource = "gpunodes", Subresource = "status", StatusCode = 409, Times = 2 });

        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a"));

        var gpuNode = await WaitForPhaseAsync(h, "gpu-1", GpuNodePhases.Pending);
        Assert.Equal(2, h.Server.Requests.Count(r => r.Resource == "gpunodes" && r.Subresource == "status" && r.StatusCode == 409));
        Assert.Equal(GpuClasses.Rtx2000Ada, gpuNode.Status!.GpuClass);
    }

    [Fact]
    public async Task WatchExpired_Relists_NewGpuNodeStillReconciled()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await h.CreateNodeAsync(Fixtures.Node("node-b"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-a", "node-a"));
        await WaitForPhaseAsync(h, "gpu-a", GpuNodePhases.Pending);

        // Compaction then a dropped watch: resuming from the last resourceVersion gets 410 Expired.
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-b", "node-b"));
        h.Server.CompactHistory();
        h.Server.DropWatches();

        await WaitForPhaseAsync(h, "gpu-b", GpuNodePhases.Pending);
        await h.CreateNodeAsync(Fixtures.Node("node-c"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-c", "node-c"));
        await WaitForPhaseAsync(h, "gpu-c", GpuNodePhases.Pending);
    }

    [Fact]
    public async Task CreatedWhileWatchStalled_WatchdogRecovers_Reconciled()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await OperatorHarness.EventuallyAsync(() => Task.FromResult(h.Server.OpenWatchCount("gpunodes") > 0), "GpuNode watch open");

        // The stream stays open but goes silent (no events, no bookmarks), as a half-dead connection does.
        h.Server.StallWatches("gpunodes");
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a"));

        // The informer's watchdog (2 s in the harness) restarts the watch and the object is reconciled.
        await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-1"), g => g.Status?.Phase == GpuNodePhases.Pending,
            "GpuNode reconciled after the stalled watch recovered", timeoutMs: 20000);
    }

    [Fact]
    public async Task CreatedWhileOperatorDown_ReconciledOnStart_DeletedWhileDown_CleanedUp()
    {
        await using var h = await OperatorHarness.StartAsync(startOperator: false);
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a"));

        await h.StartOperatorAsync();
        await WaitForPhaseAsync(h, "gpu-1", GpuNodePhases.Pending);
        await h.StopOperatorAsync();

        await h.DeleteGpuNodeAsync("gpu-1"); // held by the finalizer while nobody runs it
        Assert.NotNull(await h.GetGpuNodeAsync("gpu-1"));

        await h.StartOperatorAsync();
        await OperatorHarness.EventuallyAsync(async () => await h.GetGpuNodeAsync("gpu-1") is null, "finalizer ran after restart");
        Assert.DoesNotContain((await h.GetNodeAsync("node-a")).Metadata.Labels.Keys, k => k.StartsWith("ai.daalu.io/", StringComparison.Ordinal));
        await OperatorHarness.EventuallyAsync(async () => await h.TryGetDaemonSetAsync() is null, "DaemonSet removed");
    }
}
