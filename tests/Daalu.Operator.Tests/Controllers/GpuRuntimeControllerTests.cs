using Daalu.Api.V1Alpha1;
using Daalu.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Controllers;

// Readiness that means a GPU is usable (node allocatable nvidia.com/gpu) and the RuntimeClass of GPU pods, with the whole
// operator against the Kubernetes API test server.
public sealed class GpuRuntimeControllerTests
{
    private static Task<GpuNode> WaitForReasonAsync(OperatorHarness h, string name, string reason) =>
        OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync(name), g => g.Status?.Conditions.Any(c => c.Type == "Ready" && c.Reason == reason) == true,
            $"GpuNode {name} Ready reason {reason}");

    [Fact]
    public async Task PluginReadyButNoAllocatableGpu_NotReadyNoAllocatableGpu_ThenReadyWhenAdvertised()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a", allocatable: null));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a"));
        await OperatorHarness.EventuallyAsync(async () => await h.TryGetDaemonSetAsync() is not null, "device plugin DaemonSet");

        await h.StartDevicePluginPodAsync("node-a");

        var stuck = await WaitForReasonAsync(h, "gpu-1", "NoAllocatableGpu");
        Assert.Equal(GpuNodePhases.Pending, stuck.Status!.Phase);
        Assert.True(stuck.Status.DevicePluginReady);
        var condition = stuck.Status.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal(ConditionStatus.False, condition.Status);
        Assert.Contains("kubectl get runtimeclass", condition.Message, StringComparison.Ordinal);

        // What the kubelet writes once the plugin registers its GPU.
        await h.Client.CoreV1.PatchNodeStatusAsync(new V1Patch("""{"status":{"allocatable":{"nvidia.com/gpu":"1"}}}""", V1Patch.PatchType.MergePatch), "node-a");

        var ready = await WaitForReasonAsync(h, "gpu-1", "Ready");
        Assert.Equal(GpuNodePhases.Ready, ready.Status!.Phase);
        Assert.Equal(1, ready.Status.GpuCount);
    }

    [Fact]
    public async Task NoGfdLabels_PendingNoGpuFeatureDiscoveryLabels_NoDevicePluginLabel()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a", product: null, allocatable: null));

        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a"));

        var pending = await WaitForReasonAsync(h, "gpu-1", "NoGpuFeatureDiscoveryLabels");
        Assert.Equal(GpuNodePhases.Pending, pending.Status!.Phase);
        Assert.False((await h.GetNodeAsync("node-a")).Metadata.Labels.ContainsKey("ai.daalu.io/device-plugin"));
    }

    [Fact]
    public async Task OperatorFlagNvidia_DevicePluginAndVllmPodsUseIt_GpuNodeOverrideWins()
    {
        await using var h = await OperatorHarness.StartAsync(startOperator: false);
        h.Settings.GpuRuntimeClass = "nvidia"; // --gpu-runtime-class nvidia
        await h.StartOperatorAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a"));

        var ds = await OperatorHarness.EventuallyAsync(h.TryGetDaemonSetAsync, d => true, "device plugin DaemonSet");
        Assert.Equal("nvidia", ds.Spec.Template.Spec.RuntimeClassName);
        await h.StartDevicePluginPodAsync("node-a");
        await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-1"), g => g.Status?.Phase == GpuNodePhases.Ready, "GpuNode Ready");

        await h.CreateModelServingAsync(Fixtures.ModelServing("coder"));
        var deployment = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-coder"), d => true, "vLLM Deployment");
        Assert.Equal("nvidia", deployment.Spec.Template.Spec.RuntimeClassName);

        // The GpuNode says its node runs NVIDIA as the default runtime: both follow.
        await h.PatchGpuNodeAsync("gpu-1", """{"spec":{"runtimeClassName":""}}""");

        await OperatorHarness.EventuallyAsync(h.TryGetDaemonSetAsync, d => d.Spec.Template.Spec.RuntimeClassName is null, "DaemonSet on the default runtime");
        await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-coder"), d => d.Spec.Template.Spec.RuntimeClassName is null,
            "vLLM on the default runtime");
    }

    [Fact]
    public async Task NoRuntimeClassInCluster_NoFlag_DefaultRuntime()
    {
        // The test server serves no node.k8s.io RuntimeClass named nvidia: the lookup answers 404 and nothing is named.
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();

        await h.CreateModelServingAsync(Fixtures.ModelServing("coder"));

        var deployment = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-coder"), d => true, "vLLM Deployment");
        Assert.Null(deployment.Spec.Template.Spec.RuntimeClassName);
        Assert.Null((await h.TryGetDaemonSetAsync())!.Spec.Template.Spec.RuntimeClassName);
    }
}
