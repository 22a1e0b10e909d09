using System.Globalization;
using Daalu.Api.V1Alpha1;
using k8s.Models;

namespace Daalu.Operator.Children;

/// <summary>
/// The vLLM container's CPU, memory and ephemeral-storage requests and the model cache claim's size, derived from the
/// model's weights (the plan's total over the tensor-parallel GPUs) unless spec.resources / spec.cache.size set them.
/// Without requests the pod is BestEffort, the first one the kubelet evicts under node pressure.
/// <list type="bullet">
/// <item>CPU: vLLM V1 runs an API server process and an engine core process that busy-loops, and under tensor
/// parallelism one GPU worker process per GPU besides (vLLM docs/design/arch_overview.md, "V1 process architecture",
/// which says the process count matters for sizing CPU): 2 cores for one GPU, GPUs + 2 for more.</item>
/// <item>Memory: the checkpoint passes through host memory while it loads (safetensors files are memory-mapped, and the
/// page cache they fill is charged to the pod's cgroup), on top of ~6 GiB for Python, torch, the CUDA context and the
/// tokenizer: weights rounded up + 6 GiB. No limit unless asked: the load peak would otherwise OOM-kill it.</item>
/// <item>Ephemeral storage: 5 GiB for the container layer and logs when the cache is a claim; with an emptyDir cache
/// the download counts against it too, so weights x 1.2 + 10 GiB.</item>
/// <item>Cache claim: the Hugging Face cache keeps an old model's files when the model changes, so 2 x weights + 10 GiB,
/// at least 50 GiB.</item>
/// </list>
/// </summary>
public static class VllmResources
{
    /// <summary>The container's resource requirements (the GPU limit included).</summary>
    public static V1ResourceRequirements For(ModelServingSpec spec, double weightsGiB, bool cacheOnEmptyDir)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var gpus = Math.Max(1, spec.Engine?.TensorParallelSize ?? 1);
        var weights = Math.Max(0, weightsGiB);
        var overrides = spec.Resources;
        var requests = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(overrides?.Cpu ?? (gpus == 1 ? 2 : gpus + 2).ToString(CultureInfo.InvariantCulture)),
            ["memory"] = new(overrides?.Memory ?? Gi(Math.Ceiling(weights) + 6)),
            ["ephemeral-storage"] = new(overrides?.EphemeralStorage ?? (cacheOnEmptyDir ? Gi(Math.Ceiling(weights * 1.2) + 10) : "5Gi")),
        };
        var limits = new Dictionary<string, ResourceQuantity> { [WellKnown.GpuResource] = new(gpus.ToString(CultureInfo.InvariantCulture)) };
        if (overrides?.MemoryLimit is { } memoryLimit)
        {
            limits["memory"] = new(memoryLimit);
        }

        return new V1ResourceRequirements { Requests = requests, Limits = limits };
    }

    /// <summary>The size of the cache claim made for a model of <paramref name="weightsGiB"/>.</summary>
    public static string CacheSize(ModelServingSpec spec, double weightsGiB)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Cache?.Size ?? Gi(Math.Max(50, Math.Ceiling(Math.Max(0, weightsGiB) * 2) + 10));
    }

    private static string Gi(double value) => value.ToString("0", CultureInfo.InvariantCulture) + "Gi";
}
