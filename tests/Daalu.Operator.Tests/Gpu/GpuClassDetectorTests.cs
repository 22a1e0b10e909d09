using Daalu.Api.V1Alpha1;
using Daalu.Operator.Gpu;
using k8s.Models;

namespace Daalu.Operator.Tests.Gpu;

public sealed class GpuClassDetectorTests
{
    private static V1Node Node(Dictionary<string, string>? labels = null, int? allocatableGpus = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "gpu-1", Labels = labels ?? [] },
        Status = new V1NodeStatus
        {
            Allocatable = allocatableGpus is { } n
                ? new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new(n.ToString(System.Globalization.CultureInfo.InvariantCulture)) }
                : null,
        },
    };

    private static Dictionary<string, string> Gfd(string product, string? memory = null, string? count = null)
    {
        var labels = new Dictionary<string, string> { ["nvidia.com/gpu.product"] = product };
        if (memory is not null)
        {
            labels["nvidia.com/gpu.memory"] = memory;
        }

        if (count is not null)
        {
            labels["nvidia.com/gpu.count"] = count;
        }

        return labels;
    }

    [Theory]
    [InlineData("NVIDIA-RTX-2000-Ada-Generation", "rtx-2000-ada")]
    [InlineData("NVIDIA-RTX-6000-Ada-Generation", "rtx-6000-ada")]
    [InlineData("NVIDIA-RTX-6000-Ada-Generation-SHARED", "rtx-6000-ada")]
    public void Detect_AutoWithAdaProduct_ResolvesClass(string product, string expectedClass)
    {
        var result = GpuClassDetector.Detect(Node(Gfd(product, "16380", "1")), GpuClasses.Auto);

        Assert.True(result.Supported);
        Assert.Equal(expectedClass, result.GpuClass);
        Assert.Equal(product, result.Product);
        Assert.Equal(GpuDetectionReasons.Detected, result.Reason);
    }

    [Theory]
    [InlineData("NVIDIA-A100-SXM4-80GB")]
    [InlineData("Tesla-T4")]
    [InlineData("NVIDIA-GeForce-RTX-4090")]
    [InlineData("NVIDIA-RTX-A6000")]
    public void Detect_AutoWithOtherProduct_UnsupportedNamingProduct(string product)
    {
        var result = GpuClassDetector.Detect(Node(Gfd(product, "81920", "8")), GpuClasses.Auto);

        Assert.False(result.Supported);
        Assert.Null(result.GpuClass);
        Assert.Equal(GpuDetectionReasons.UnsupportedProduct, result.Reason);
        Assert.Contains(product, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_AutoWithoutLabels_AwaitsGpuFeatureDiscovery()
    {
        var result = GpuClassDetector.Detect(Node(), GpuClasses.Auto);

        Assert.False(result.Supported);
        Assert.True(result.AwaitingLabels);
        Assert.Contains("spec.gpuClass", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_AllocatableGpus_WinsOverCountLabel()
    {
        var result = GpuClassDetector.Detect(Node(Gfd("NVIDIA-RTX-6000-Ada-Generation", "49140", "4"), allocatableGpus: 2), GpuClasses.Auto);

        Assert.Equal(2, result.GpuCount);
        Assert.Equal(49140, result.MemoryMiB);
    }

    [Fact]
    public void Detect_CountLabelOnly_UsesLabel()
    {
        var result = GpuClassDetector.Detect(Node(Gfd("NVIDIA-RTX-2000-Ada-Generation", count: "2")), GpuClasses.Auto);

        Assert.Equal(2, result.GpuCount);
        Assert.Equal(16380, result.MemoryMiB); // nominal memory when GFD has no memory label
    }

    [Fact]
    public void Detect_ExplicitClassWithoutLabels_TrustsSpec()
    {
        var result = GpuClassDetector.Detect(Node(allocatableGpus: 1), GpuClasses.Rtx6000Ada);

        Assert.True(result.Supported);
        Assert.Equal(GpuClasses.Rtx6000Ada, result.GpuClass);
        Assert.Equal("NVIDIA-RTX-6000-Ada-Generation", result.Product);
        Assert.Equal(49140, result.MemoryMiB);
        Assert.Equal(1, result.GpuCount);
        Assert.Equal(GpuDetectionReasons.Declared, result.Reason);
    }

    [Fact]
    public void Detect_ExplicitClassContradictedByLabels_ClassMismatch()
    {
        var result = GpuClassDetector.Detect(Node(Gfd("NVIDIA-RTX-2000-Ada-Generation")), GpuClasses.Rtx6000Ada);

        Assert.False(result.Supported);
        Assert.Equal(GpuDetectionReasons.ClassMismatch, result.Reason);
        Assert.Contains("NVIDIA-RTX-2000-Ada-Generation", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_GarbageNumbers_Ignored()
    {
        var labels = Gfd("NVIDIA-RTX-2000-Ada-Generation", "lots", "-3");

        var result = GpuClassDetector.Detect(Node(labels), GpuClasses.Auto);

        Assert.True(result.Supported);
        Assert.Equal(16380, result.MemoryMiB);
        Assert.Null(result.GpuCount);
    }
}
