using Daalu.Api.V1Alpha1;
using Daalu.Operator.Gpu;
using Daalu.Operator.Tests.Support;
using k8s.Models;

namespace Daalu.Operator.Tests.Gpu;

// The steps the NVIDIA k8s-device-plugin README lists before a pod can use a GPU (driver, container toolkit and runtime,
// the plugin, then nvidia.com/gpu in the node's allocatable), each missing one named by its own reason.
public sealed class GpuReadinessTests
{
    private const string PluginNs = "daalu-device-plugin";

    private static GpuNodeSpec Spec(bool pluginEnabled = true) => new() { NodeName = "node-a", DevicePlugin = new DevicePluginSpec { Enabled = pluginEnabled } };

    private static GpuDetection Detected(V1Node? node = null, string? gpuClass = null) => GpuClassDetector.Detect(node ?? Fixtures.Node("node-a"), gpuClass);

    [Fact]
    public void Evaluate_NoGfdLabels_PendingNoGpuFeatureDiscoveryLabels_SaysWhatToCheck()
    {
        var result = GpuReadiness.Evaluate(Spec(), Detected(Fixtures.Node("node-a", product: null, allocatable: null)), pluginPodReady: false, 0, "nvidia", PluginNs);

        Assert.Equal(GpuNodePhases.Pending, result.Phase);
        Assert.False(result.Ready);
        Assert.Equal("NoGpuFeatureDiscoveryLabels", result.Reason);
        Assert.Contains("kubectl get node node-a -L nvidia.com/gpu.product", result.Message, StringComparison.Ordinal);
        Assert.Contains("nvidia-smi", result.Message, StringComparison.Ordinal);
        Assert.Contains("spec.gpuClass", result.Message, StringComparison.Ordinal);
        Assert.False(result.DevicePluginReady);
    }

    [Fact]
    public void Evaluate_UnsupportedProduct_Unsupported()
    {
        var result = GpuReadiness.Evaluate(Spec(), Detected(Fixtures.Node("node-a", product: "NVIDIA-A100-SXM4-80GB", memory: "81920")), true, 1, null, PluginNs);

        Assert.Equal(GpuNodePhases.Unsupported, result.Phase);
        Assert.Equal("UnsupportedProduct", result.Reason);
        Assert.False(result.Ready);
    }

    [Fact]
    public void Evaluate_PluginPodNotReady_DevicePluginNotReady_NamesDriverToolkitAndRuntime()
    {
        var result = GpuReadiness.Evaluate(Spec(), Detected(), pluginPodReady: false, allocatableGpus: 0, "nvidia", PluginNs);

        Assert.Equal(GpuNodePhases.Pending, result.Phase);
        Assert.Equal("DevicePluginNotReady", result.Reason);
        Assert.Contains($"kubectl -n {PluginNs} get pods -l app.kubernetes.io/name=nvidia-device-plugin", result.Message, StringComparison.Ordinal);
        Assert.Contains("nvidia-smi", result.Message, StringComparison.Ordinal);
        Assert.Contains("container toolkit", result.Message, StringComparison.Ordinal);
        Assert.Contains("runtimeClassName 'nvidia'", result.Message, StringComparison.Ordinal);
        Assert.False(result.DevicePluginReady);
    }

    [Fact]
    public void Evaluate_PluginReadyButNothingAllocatable_NoAllocatableGpu_NotReady()
    {
        // FAIL_ON_INIT_ERROR=false (or a runtime that hides the GPU) leaves a Ready plugin that advertises nothing.
        var result = GpuReadiness.Evaluate(Spec(), Detected(), pluginPodReady: true, allocatableGpus: 0, runtimeClassName: null, PluginNs);

        Assert.Equal(GpuNodePhases.Pending, result.Phase);
        Assert.False(result.Ready);
        Assert.Equal("NoAllocatableGpu", result.Reason);
        Assert.Contains("default container runtime", result.Message, StringComparison.Ordinal);
        Assert.Contains("kubectl get runtimeclass", result.Message, StringComparison.Ordinal);
        Assert.Contains("nvidia-ctk runtime configure", result.Message, StringComparison.Ordinal);
        Assert.True(result.DevicePluginReady);
    }

    [Fact]
    public void Evaluate_PluginDisabledNothingAllocatable_NoAllocatableGpu()
    {
        var result = GpuReadiness.Evaluate(Spec(pluginEnabled: false), Detected(), pluginPodReady: false, allocatableGpus: 0, null, PluginNs);

        Assert.Equal("NoAllocatableGpu", result.Reason);
        Assert.Contains("device plugin is disabled", result.Message, StringComparison.Ordinal);
        Assert.False(result.Ready);
        Assert.False(result.DevicePluginReady);
    }

    [Theory]
    [InlineData(true, true, 1)]
    [InlineData(true, true, 2)]
    [InlineData(false, false, 1)] // plugin run by someone else (GPU Operator, cloud): allocatable alone decides
    public void Evaluate_GpuAllocatable_Ready(bool pluginEnabled, bool pluginPodReady, long allocatable)
    {
        var result = GpuReadiness.Evaluate(Spec(pluginEnabled), Detected(), pluginPodReady, allocatable, "nvidia", PluginNs);

        Assert.Equal(GpuNodePhases.Ready, result.Phase);
        Assert.True(result.Ready);
        Assert.Equal("Ready", result.Reason);
        Assert.Contains($"{allocatable} nvidia.com/gpu allocatable", result.Message, StringComparison.Ordinal);
        Assert.True(result.DevicePluginReady);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData(0, 0)]
    [InlineData(2, 2)]
    public void AllocatableGpus_FromNodeStatus(int? allocatable, long expected)
    {
        Assert.Equal(expected, GpuReadiness.AllocatableGpus(Fixtures.Node("node-a", allocatable: allocatable)));
    }
}
