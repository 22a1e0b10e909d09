using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;

namespace Daalu.Operator.Tests.Children;

// The derivation rules stated in VllmResources (vLLM's V1 process architecture for CPU; weights through host memory;
// the Hugging Face cache keeping an older model's files).
public sealed class VllmResourcesTests
{
    [Theory]
    // weights GiB, tensor parallel, emptyDir cache, cpu, memory, ephemeral-storage
    [InlineData(9.38, 1, false, "2", "16Gi", "5Gi")]     // Qwen2.5-Coder-14B AWQ on one card, cache on a claim
    [InlineData(29.5, 1, false, "2", "36Gi", "5Gi")]     // Qwen3-30B-A3B FP8
    [InlineData(9.38, 1, true, "2", "16Gi", "22Gi")]     // cache on an emptyDir counts against ephemeral storage
    [InlineData(18.0, 2, false, "4", "24Gi", "5Gi")]     // tensor parallel 2: API server + engine core + 2 workers
    [InlineData(0, 1, false, "2", "6Gi", "5Gi")]         // a model the planner cannot size
    public void For_DerivedFromWeights(double weightsGiB, int tp, bool emptyDir, string cpu, string memory, string ephemeral)
    {
        var spec = new ModelServingSpec { Engine = new EngineSettings { TensorParallelSize = tp } };

        var resources = VllmResources.For(spec, weightsGiB, emptyDir);

        Assert.Equal(cpu, resources.Requests["cpu"].ToString());
        Assert.Equal(memory, resources.Requests["memory"].ToString());
        Assert.Equal(ephemeral, resources.Requests["ephemeral-storage"].ToString());
        Assert.Equal(tp.ToString(System.Globalization.CultureInfo.InvariantCulture), resources.Limits["nvidia.com/gpu"].ToString());
        Assert.False(resources.Limits.ContainsKey("memory"));
    }

    [Fact]
    public void For_SpecOverrides_Win()
    {
        var spec = new ModelServingSpec { Resources = new PodResources { Cpu = "6", Memory = "40Gi", MemoryLimit = "64Gi", EphemeralStorage = "20Gi" } };

        var resources = VllmResources.For(spec, 9.38, cacheOnEmptyDir: false);

        Assert.Equal("6", resources.Requests["cpu"].ToString());
        Assert.Equal("40Gi", resources.Requests["memory"].ToString());
        Assert.Equal("20Gi", resources.Requests["ephemeral-storage"].ToString());
        Assert.Equal("64Gi", resources.Limits["memory"].ToString());
    }

    [Theory]
    [InlineData(9.38, null, "50Gi")]
    [InlineData(29.5, null, "69Gi")]
    [InlineData(29.5, "200Gi", "200Gi")]
    public void CacheSize_TwiceTheWeightsPlusTen_AtLeastFifty(double weightsGiB, string? size, string expected)
    {
        var spec = new ModelServingSpec { Cache = size is null ? null : new ModelCache { Size = size } };

        Assert.Equal(expected, VllmResources.CacheSize(spec, weightsGiB));
    }
}
