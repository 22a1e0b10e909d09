using Daalu.Operator.Gpu;

namespace Daalu.Operator.Tests.Gpu;

// The RuntimeClass rule: NVIDIA's device plugin README asks for a RuntimeClass named nvidia (handler nvidia) wherever
// the NVIDIA runtime is not containerd's default, and its Helm chart's runtimeClassName value is the same knob.
public sealed class GpuRuntimeTests
{
    [Theory]
    [InlineData(null, null, true, "nvidia")]          // k3s / RKE2 / GPU Operator: the RuntimeClass exists, use it
    [InlineData(null, null, false, null)]             // kubeadm with nvidia as the default runtime: nothing to name
    [InlineData(null, "", true, null)]                // --gpu-runtime-class= : the default runtime, even if nvidia exists
    [InlineData(null, "nvidia-cdi", false, "nvidia-cdi")] // the flag names another class
    [InlineData("", "nvidia", true, null)]            // the GpuNode says default runtime: it wins over the flag
    [InlineData("custom", "", true, "custom")]        // the GpuNode names one: it wins over the flag
    [InlineData("custom", null, false, "custom")]
    public void Resolve_Settings_MostSpecificWins(string? gpuNode, string? flag, bool nvidiaExists, string? expected)
    {
        Assert.Equal(expected, GpuRuntime.Resolve(gpuNode, flag, nvidiaExists));
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("", null, false)]
    [InlineData(null, "", false)]
    [InlineData("x", "y", false)]
    public void NeedsLookup_OnlyWhenNothingIsSet(string? gpuNode, string? flag, bool expected)
    {
        Assert.Equal(expected, GpuRuntime.NeedsLookup(gpuNode, flag));
    }

    [Fact]
    public void Describe_NullAndName_ReadableForStatus()
    {
        Assert.Contains("default container runtime", GpuRuntime.Describe(null), StringComparison.Ordinal);
        Assert.Equal("runtimeClassName 'nvidia'", GpuRuntime.Describe("nvidia"));
    }
}
