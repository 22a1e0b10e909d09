using Daalu.Api.V1Alpha1;
using Daalu.Operator.Models;

namespace Daalu.Operator.Planning;

/// <summary>The planner's answer. Sizes are totals over the tensor-parallel GPUs of one replica.</summary>
/// <param name="Outcome">Fits, does not fit, unchecked or invalid.</param>
/// <param name="ModelId">The model to run (the request's, or the chosen default).</param>
/// <param name="Model">Its catalog entry, when known.</param>
/// <param name="Quantization">The weight format it runs in.</param>
/// <param name="WeightsGiB">Weights after quantisation.</param>
/// <param name="KvCacheGiB">KV cache at <paramref name="MaxContext"/> tokens.</param>
/// <param name="OverheadGiB">Estimated non-KV runtime memory.</param>
/// <param name="AvailableGiB">Card memory times gpuMemoryUtilization, times tensor-parallel size.</param>
/// <param name="MaxContext">The context passed as --max-model-len (0 when it does not fit).</param>
/// <param name="Reason">A CamelCase reason for conditions.</param>
/// <param name="Message">The numbers, in a sentence.</param>
public sealed record VramPlan(
    PlanOutcome Outcome,
    string? ModelId,
    CatalogModel? Model,
    string Quantization,
    double WeightsGiB,
    double KvCacheGiB,
    double OverheadGiB,
    double AvailableGiB,
    int MaxContext,
    string Reason,
    string Message)
{
    /// <summary>True when a Deployment may be made from this plan.</summary>
    public bool Deployable => Outcome is PlanOutcome.Fits or PlanOutcome.Unchecked;

    /// <summary>The status block, rounded to two decimals so that re-planning the same input writes nothing new.</summary>
    public ModelFit ToModelFit() => new()
    {
        WeightsGiB = Math.Round(WeightsGiB, 2),
        KvCacheGiB = Math.Round(KvCacheGiB, 2),
        OverheadGiB = Math.Round(OverheadGiB, 2),
        AvailableGiB = Math.Round(AvailableGiB, 2),
        MaxContext = MaxContext,
        Fits = Outcome == PlanOutcome.Fits,
    };
}
