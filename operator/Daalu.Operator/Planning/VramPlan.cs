using Daalu.Api.V1Alpha1;
using Daalu.Operator.Models;

namespace Daalu.Operator.Planning;

/// <summary>The planner's answer. Memory figures are per GPU (each GPU of a tensor-parallel replica holds the same).</summary>
public sealed record VramPlan
{
    /// <summary>Fits, does not fit, unchecked or invalid.</summary>
    public required PlanOutcome Outcome { get; init; }

    /// <summary>The model to run (the request's, or the chosen default).</summary>
    public required string? ModelId { get; init; }

    /// <summary>Its catalog entry, when it has one.</summary>
    public CatalogModel? Model { get; init; }

    /// <summary>The weight format it runs in.</summary>
    public required string Quantization { get; init; }

    /// <summary>Where the model's figures came from (catalog, Hugging Face repo and revision, or a path).</summary>
    public string? Source { get; init; }

    /// <summary>The memory CUDA reports for one card (below the NVML total).</summary>
    public double CudaTotalGiB { get; init; }

    /// <summary>gpu_memory_utilization x <see cref="CudaTotalGiB"/>: what vLLM may use.</summary>
    public required double AvailableGiB { get; init; }

    /// <summary>Weights held after loading.</summary>
    public double WeightsGiB { get; init; }

    /// <summary>Weights held at the peak of loading (16-bit weights for online FP8).</summary>
    public double LoadPeakGiB { get; init; }

    /// <summary>The profiled activation peak (forward pass plus sampler).</summary>
    public double ActivationGiB { get; init; }

    /// <summary>Non-torch memory inside the budget.</summary>
    public double NonTorchGiB { get; init; }

    /// <summary>The planner's safety margin.</summary>
    public double MarginGiB { get; init; }

    /// <summary>Activation + non-torch + margin: everything in the budget but weights and KV cache.</summary>
    public double OverheadGiB => ActivationGiB + NonTorchGiB + MarginGiB;

    /// <summary>What is left for the KV cache.</summary>
    public double KvBudgetGiB { get; init; }

    /// <summary>Tokens the KV cache holds (whole 16-token blocks): vLLM's "GPU KV cache size".</summary>
    public long KvCacheTokens { get; init; }

    /// <summary>KV cache one sequence of <see cref="MaxContext"/> tokens needs.</summary>
    public double KvCacheGiB { get; init; }

    /// <summary>The context passed as --max-model-len (0 when it does not fit).</summary>
    public int MaxContext { get; init; }

    /// <summary>--max-num-seqs from the KV budget (0 when it does not fit).</summary>
    public int MaxNumSeqs { get; init; }

    /// <summary>Sequences of <see cref="MaxContext"/> tokens the KV cache holds at once: vLLM's "Maximum concurrency".</summary>
    public double Concurrency { get; init; }

    /// <summary>The highest gpu_memory_utilization vLLM can start with on this card.</summary>
    public double MaxGpuMemoryUtilization { get; init; }

    /// <summary>A CamelCase reason for conditions.</summary>
    public required string Reason { get; init; }

    /// <summary>The numbers, in a sentence.</summary>
    public required string Message { get; init; }

    /// <summary>True when a Deployment may be made from this plan.</summary>
    public bool Deployable => Outcome is PlanOutcome.Fits or PlanOutcome.Unchecked;

    /// <summary>The status block, rounded to two decimals so that re-planning the same input writes nothing new.</summary>
    public ModelFit ToModelFit() => new()
    {
        Source = Source,
        CudaTotalGiB = Math.Round(CudaTotalGiB, 2),
        AvailableGiB = Math.Round(AvailableGiB, 2),
        WeightsGiB = Math.Round(WeightsGiB, 2),
        LoadPeakGiB = Math.Round(LoadPeakGiB, 2),
        ActivationGiB = Math.Round(ActivationGiB, 2),
        NonTorchGiB = Math.Round(NonTorchGiB, 2),
        MarginGiB = Math.Round(MarginGiB, 2),
        OverheadGiB = Math.Round(OverheadGiB, 2),
        KvBudgetGiB = Math.Round(KvBudgetGiB, 2),
        KvCacheTokens = KvCacheTokens,
        KvCacheGiB = Math.Round(KvCacheGiB, 2),
        MaxContext = MaxContext,
        MaxNumSeqs = MaxNumSeqs,
        Concurrency = Math.Round(Concurrency, 2),
        MaxGpuMemoryUtilization = Math.Round(MaxGpuMemoryUtilization, 2),
        Fits = Outcome == PlanOutcome.Fits,
    };
}
