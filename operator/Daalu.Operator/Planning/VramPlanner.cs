using System.Globalization;
using Daalu.Operator.Models;

namespace Daalu.Operator.Planning;

/// <summary>
/// Decides whether a model fits a card, and with how much context: weights + KV cache per token x context + runtime
/// overhead against card memory x gpuMemoryUtilization. vLLM makes the same check at start-up (it refuses to start when
/// the KV cache cannot hold one sequence of --max-model-len), so the plan's context is what vLLM will accept, give or
/// take the overhead estimate.
/// </summary>
public static class VramPlanner
{
    /// <summary>Bytes in a GiB.</summary>
    public const double GiB = 1024d * 1024 * 1024;

    /// <summary>
    /// Non-KV memory per GPU: CUDA context, cuBLAS/NCCL workspaces, activations of the profiling batch and CUDA graphs.
    /// vLLM measures the real figure at start-up; 1 GiB is a deliberately round estimate for models up to 32B.
    /// </summary>
    public const double OverheadGiBPerGpu = 1.0;

    /// <summary>Below this many tokens a deployment is not useful: a system prompt plus tools alone can exceed it.</summary>
    public const int MinimumContext = 2_048;

    /// <summary>A default model is chosen only if it leaves at least this much context.</summary>
    public const int MinimumDefaultContext = 8_192;

    /// <summary>The largest-fitting context is rounded down to a multiple of this (vLLM allocates KV in 16-token blocks).</summary>
    public const int ContextGranularity = 256;

    /// <summary>Plans <paramref name="request"/>: checks the requested model, or chooses the best default.</summary>
    public static VramPlan Plan(PlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrWhiteSpace(request.Model))
        {
            var model = ModelCatalog.Find(request.Model);
            return model is null ? PlanUnknown(request) : PlanModel(model, request);
        }

        var defaults = ModelCatalog.DefaultsFor(request.GpuClass, request.Purpose);
        VramPlan? best = null;
        foreach (var candidate in defaults)
        {
            var plan = PlanModel(candidate, request);
            if (plan.Outcome == PlanOutcome.Fits && (plan.MaxContext >= MinimumDefaultContext || request.MaxModelLen > 0))
            {
                return plan;
            }

            best ??= plan;
        }

        var tried = string.Join(", ", defaults.Select(d => d.Id));
        return new VramPlan(PlanOutcome.DoesNotFit, best?.ModelId, best?.Model, best?.Quantization ?? Quantizations.None,
            best?.WeightsGiB ?? 0, 0, best?.OverheadGiB ?? 0, best?.AvailableGiB ?? Available(request), 0,
            PlanReasons.NoDefaultFits,
            defaults.Count == 0
                ? $"No default {request.Purpose} model is defined for GPU class {request.GpuClass}."
                : $"No default {request.Purpose} model fits {request.GpuClass} with at least {MinimumDefaultContext} tokens of context (tried {tried}); best attempt: {best?.Message}");
    }

    /// <summary>Plans a catalog model on the request's card.</summary>
    public static VramPlan PlanModel(CatalogModel model, PlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        var tp = Math.Max(1, request.TensorParallelSize);
        var available = Available(request);
        var overhead = OverheadGiBPerGpu * tp;

        var quantization = ResolveQuantization(model, request.Quantization, out var quantizationError);
        if (quantizationError is not null)
        {
            return new VramPlan(PlanOutcome.Invalid, model.Id, model, model.Quantization, 0, 0, overhead, available, 0,
                PlanReasons.QuantizationMismatch, quantizationError);
        }

        var weights = model.WeightBytes(quantization) / GiB;
        if (request.GpuCount is { } gpus && tp > gpus)
        {
            return new VramPlan(PlanOutcome.DoesNotFit, model.Id, model, quantization, weights, 0, overhead, available, 0,
                PlanReasons.NotEnoughGpus,
                $"tensorParallelSize {tp} needs {tp} GPUs but the node has {gpus}.");
        }

        var kvPerToken = model.KvCacheBytesPerToken / GiB;
        var kvBudget = available - weights - overhead;
        var capacity = kvBudget <= 0 ? 0 : (long)Math.Floor(kvBudget / kvPerToken);
        var requested = request.MaxModelLen is > 0 ? request.MaxModelLen.Value : (int?)null;

        if (requested > model.MaxContext)
        {
            return new VramPlan(PlanOutcome.DoesNotFit, model.Id, model, quantization, weights, 0, overhead, available, 0,
                PlanReasons.ContextExceedsModel,
                $"maxModelLen {requested} is longer than {model.Id} supports ({model.MaxContext} tokens).");
        }

        if (requested is { } wanted && wanted > capacity)
        {
            var needed = wanted * kvPerToken;
            return new VramPlan(PlanOutcome.DoesNotFit, model.Id, model, quantization, weights, needed, overhead, available, 0,
                PlanReasons.ContextDoesNotFit,
                Invariant($"{model.Id} ({quantization}) on {Describe(request, tp)}: weights {weights:F2} GiB + overhead {overhead:F2} GiB + KV cache {needed:F2} GiB for {wanted} tokens = {weights + overhead + needed:F2} GiB > {available:F2} GiB available; at most {RoundDown(capacity)} tokens fit."));
        }

        var context = requested ?? (int)Math.Min(model.MaxContext, RoundDown(capacity));
        if (context < MinimumContext)
        {
            var minimumKv = MinimumContext * kvPerToken;
            return new VramPlan(PlanOutcome.DoesNotFit, model.Id, model, quantization, weights, minimumKv, overhead, available, 0,
                PlanReasons.InsufficientMemory,
                Invariant($"{model.Id} ({quantization}) on {Describe(request, tp)}: weights {weights:F2} GiB + overhead {overhead:F2} GiB + KV cache {minimumKv:F2} GiB for the minimum {MinimumContext} tokens = {weights + overhead + minimumKv:F2} GiB > {available:F2} GiB available."));
        }

        var kv = context * kvPerToken;
        return new VramPlan(PlanOutcome.Fits, model.Id, model, quantization, weights, kv, overhead, available, context,
            PlanReasons.ModelFits,
            Invariant($"{model.Id} ({quantization}) on {Describe(request, tp)}: weights {weights:F2} GiB + overhead {overhead:F2} GiB + KV cache {kv:F2} GiB for {context} tokens = {weights + overhead + kv:F2} GiB of {available:F2} GiB available."));
    }

    private static VramPlan PlanUnknown(PlanRequest request)
    {
        var id = request.Model!.Trim();
        var available = Available(request);
        var quantization = Quantizations.Normalise(request.Quantization) ?? Quantizations.None;
        if (request.MaxModelLen is not > 0)
        {
            // Without a length vLLM would reserve KV cache for the model's full native context, which for most modern
            // models does not fit a 16 GB card: the pod would crash-loop. Refuse with a clear fix instead.
            return new VramPlan(PlanOutcome.Invalid, id, null, quantization, 0, 0, 0, available, 0,
                PlanReasons.MaxModelLenRequired,
                $"{id} is not in the operator's model catalog, so its fit cannot be checked: set spec.engine.maxModelLen to a context you know fits.");
        }

        return new VramPlan(PlanOutcome.Unchecked, id, null, quantization, 0, 0, 0, available, request.MaxModelLen.Value,
            PlanReasons.ModelNotInCatalog,
            $"{id} is not in the operator's model catalog, so its fit cannot be checked; deploying with maxModelLen {request.MaxModelLen.Value} (vLLM refuses to start if it does not fit).");
    }

    private static string ResolveQuantization(CatalogModel model, string? requested, out string? error)
    {
        error = null;
        var wanted = Quantizations.Normalise(requested);
        if (wanted is null || wanted == model.Quantization)
        {
            return model.Quantization;
        }

        // vLLM can quantise 16-bit weights to FP8 while loading; every other change needs a different checkpoint.
        if (wanted == Quantizations.Fp8 && model.Quantization == Quantizations.None)
        {
            return Quantizations.Fp8;
        }

        error = Quantizations.NeedsPrequantisedCheckpoint(wanted)
            ? $"quantization '{wanted}' needs a checkpoint quantised that way; {model.Id} is '{model.Quantization}'. Pick an {wanted.ToUpperInvariant()} checkpoint as spec.model."
            : $"quantization '{wanted}' cannot be applied to {model.Id}, which is already '{model.Quantization}'.";
        return model.Quantization;
    }

    private static double Available(PlanRequest request) =>
        request.MemoryMiB * 1024d * 1024 * request.GpuMemoryUtilization * Math.Max(1, request.TensorParallelSize) / GiB;

    private static long RoundDown(long tokens) => tokens / ContextGranularity * ContextGranularity;

    private static string Describe(PlanRequest request, int tp) =>
        Invariant($"{(tp > 1 ? $"{tp} x " : string.Empty)}{request.GpuClass} ({request.MemoryMiB} MiB at {request.GpuMemoryUtilization:0.##} utilisation)");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
