using System.Globalization;
using Daalu.Operator.Models;

namespace Daalu.Operator.Planning;

/// <summary>
/// Decides whether a model fits a card, with how much context and how many concurrent sequences, by repeating vLLM's
/// own start-up accounting (see <see cref="VllmMemory"/> for each figure and its source), per GPU:
/// <code>
/// budget    = gpu_memory_utilization x CUDA-visible total
/// kvBudget  = budget - weights (as loaded) - activation peak - non-torch - safety margin
/// kvTokens  = floor(kvBudget / (16 x kvBytesPerToken)) x 16,  kvBytesPerToken = 2 x layers x kvHeads x headDim x 2
/// </code>
/// and refuses what vLLM would refuse: a utilisation that leaves no room for the CUDA context and graphs, weights
/// that do not load, and a max_model_len whose one sequence does not fit <c>kvTokens</c>. A plan it calls Fits is one
/// vLLM starts with; one it refuses becomes a ModelDoesNotFit condition instead of a crash-looping pod.
/// </summary>
public static class VramPlanner
{
    /// <summary>Bytes in a GiB.</summary>
    public const double GiB = VllmMemory.GiB;

    /// <summary>Below this many tokens a deployment is not useful: a system prompt plus tools alone can exceed it.</summary>
    public const int MinimumContext = 2_048;

    /// <summary>A default model is chosen only if it leaves at least this much context.</summary>
    public const int MinimumDefaultContext = 8_192;

    /// <summary>The largest-fitting context is rounded down to a multiple of this (a whole number of 16-token blocks).</summary>
    public const int ContextGranularity = 256;

    /// <summary>
    /// Tokens per running sequence that --max-num-seqs is planned for: vLLM's default prefill chunk on these cards
    /// (max_num_batched_tokens 2048). With at most kvTokens / 2048 sequences running, each admitted sequence can hold
    /// a full prefill chunk without preempting another.
    /// </summary>
    public const int TokensPerPlannedSequence = 2_048;

    /// <summary>Plans <paramref name="request"/>: checks the requested model, or chooses the best default.</summary>
    public static VramPlan Plan(PlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrWhiteSpace(request.Model))
        {
            var model = ModelCatalog.Find(request.Model);
            if (model is not null)
            {
                return PlanModel(model, request);
            }

            return request.Architecture is { } architecture
                ? PlanArchitecture(request.Model.Trim(), null, architecture, request)
                : PlanUnknown(request);
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

        if (best?.Reason is PlanReasons.UtilizationTooHigh or PlanReasons.NotEnoughGpus)
        {
            // About the card and settings, not the model: no default changes the answer.
            return best;
        }

        var tried = string.Join(", ", defaults.Select(d => d.Id));
        return (best ?? Empty(request)) with
        {
            Outcome = PlanOutcome.DoesNotFit,
            KvCacheGiB = 0,
            MaxContext = 0,
            MaxNumSeqs = 0,
            Concurrency = 0,
            Reason = PlanReasons.NoDefaultFits,
            Message = defaults.Count == 0
                ? $"No default {request.Purpose} model is defined for GPU class {request.GpuClass}."
                : $"No default {request.Purpose} model fits {request.GpuClass} with at least {MinimumDefaultContext} tokens of context (tried {tried}); best attempt: {best?.Message}",
        };
    }

    /// <summary>Plans a catalog model on the request's card.</summary>
    public static VramPlan PlanModel(CatalogModel model, PlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(model);
        return PlanArchitecture(model.Id, model, model.Architecture, request);
    }

    /// <summary>Plans a model from its figures (a catalog entry's, or ones read from its config.json).</summary>
    public static VramPlan PlanArchitecture(string id, CatalogModel? model, ModelArchitecture architecture, PlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(request);
        var tp = Math.Max(1, request.TensorParallelSize);
        var total = CudaTotal(request);
        var available = request.GpuMemoryUtilization * total;
        var maxUtilisation = VllmMemory.MaxUtilization(total, request.EnforceEager);
        var plan = new VramPlan
        {
            Outcome = PlanOutcome.DoesNotFit,
            ModelId = id,
            Model = model,
            Quantization = architecture.Quantization,
            Source = architecture.Source,
            CudaTotalGiB = total,
            AvailableGiB = available,
            MaxGpuMemoryUtilization = maxUtilisation,
            Reason = PlanReasons.InsufficientMemory,
            Message = string.Empty,
        };

        var quantization = ResolveQuantization(id, architecture.Quantization, request.Quantization, out var quantizationError);
        if (quantizationError is not null)
        {
            return plan with { Outcome = PlanOutcome.Invalid, Reason = PlanReasons.QuantizationMismatch, Message = quantizationError };
        }

        double weights, loadPeak;
        try
        {
            weights = architecture.ResidentWeightBytes(quantization) / GiB / tp;
            loadPeak = architecture.LoadPeakWeightBytes(quantization) / GiB / tp;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentOutOfRangeException)
        {
            return plan with
            {
                Outcome = PlanOutcome.Invalid,
                Reason = PlanReasons.ModelConfigUnreadable,
                Message = $"The weight size of {id} cannot be worked out ({ex.Message}); its safetensors index gives it.",
            };
        }

        var activation = VllmMemory.ActivationGiB(architecture.ActiveIntermediateSize, architecture.VocabularySize, tp,
            request.MaxNumBatchedTokens ?? VllmMemory.DefaultMaxNumBatchedTokens, request.MaxNumSeqs ?? VllmMemory.DefaultMaxNumSeqs);
        var nonTorch = VllmMemory.NonTorchGiB + (tp > 1 ? VllmMemory.TensorParallelNonTorchGiB : 0);
        var margin = VllmMemory.SafetyMarginGiB;
        var kvBudget = available - weights - activation - nonTorch - margin;
        var kvPerToken = architecture.KvCacheBytesPerTokenPerGpu(tp);
        var blocks = kvBudget <= 0 ? 0 : (long)Math.Floor(kvBudget * GiB / (kvPerToken * (double)VllmMemory.BlockSize));
        var kvTokens = blocks * VllmMemory.BlockSize;
        plan = plan with
        {
            Quantization = quantization,
            WeightsGiB = weights,
            LoadPeakGiB = loadPeak,
            ActivationGiB = activation,
            NonTorchGiB = nonTorch,
            MarginGiB = margin,
            KvBudgetGiB = Math.Max(0, kvBudget),
            KvCacheTokens = kvTokens,
        };
        var card = Describe(request, tp, total);

        if (request.GpuCount is { } gpus && tp > gpus)
        {
            return plan with { Reason = PlanReasons.NotEnoughGpus, Message = $"tensorParallelSize {tp} needs {tp} GPUs but the node has {gpus}." };
        }

        if (request.GpuMemoryUtilization > maxUtilisation)
        {
            var outside = VllmMemory.CudaContextGiB + (request.EnforceEager ? 0 : VllmMemory.CudaGraphGiB);
            return plan with
            {
                Reason = PlanReasons.UtilizationTooHigh,
                Message = Invariant($"gpuMemoryUtilization {request.GpuMemoryUtilization:0.###} on {card}: vLLM reserves {available:F2} GiB and needs {outside:F2} GiB beside it for the CUDA context{(request.EnforceEager ? string.Empty : " and CUDA graphs")}; it would not start. At most {maxUtilisation:0.00} fits this card."),
            };
        }

        if (loadPeak > total - VllmMemory.CudaContextGiB)
        {
            return plan with
            {
                Reason = PlanReasons.WeightsDoNotLoad,
                Message = Invariant($"{id} ({quantization}) on {card}: loading holds {loadPeak:F2} GiB of weights{(loadPeak > weights ? $" (vLLM loads the {(architecture.Quantization == Quantizations.None ? "16-bit" : architecture.Quantization)} checkpoint before quantising it to {quantization})" : string.Empty)}, more than the {total - VllmMemory.CudaContextGiB:F2} GiB the card has beside the CUDA context."),
            };
        }

        var requested = request.MaxModelLen is > 0 ? request.MaxModelLen.Value : (int?)null;
        if (requested > architecture.MaxContext)
        {
            return plan with
            {
                Reason = PlanReasons.ContextExceedsModel,
                Message = $"maxModelLen {requested} is longer than {id} supports ({architecture.MaxContext} tokens).",
            };
        }

        var arithmetic = Invariant($"{available:F2} GiB budget - weights {weights:F2} - activation {activation:F2} - non-torch {nonTorch:F2} - margin {margin:F2} = KV cache {Math.Max(0, kvBudget):F2} GiB = {kvTokens} tokens at {kvPerToken} bytes/token");
        if (requested is { } wanted && wanted > kvTokens)
        {
            // vLLM's start-up check: one sequence of max_model_len tokens must fit the KV cache blocks.
            return plan with
            {
                KvCacheGiB = wanted * (double)kvPerToken / GiB,
                Reason = PlanReasons.ContextDoesNotFit,
                Message = Invariant($"{id} ({quantization}) on {card}: {arithmetic}; maxModelLen {wanted} tokens does not fit, at most {RoundDown(kvTokens)} tokens fit (vLLM refuses to start otherwise)."),
            };
        }

        var context = requested ?? (int)Math.Min(architecture.MaxContext, RoundDown(kvTokens));
        if (context < MinimumContext)
        {
            return plan with
            {
                KvCacheGiB = MinimumContext * (double)kvPerToken / GiB,
                Reason = PlanReasons.InsufficientMemory,
                Message = Invariant($"{id} ({quantization}) on {card}: {arithmetic}; fewer than the minimum {MinimumContext} tokens fit."),
            };
        }

        var sequences = PlanMaxNumSeqs(kvTokens, request.MaxNumSeqs ?? VllmMemory.DefaultMaxNumSeqs);
        var concurrency = (double)kvTokens / context;
        return plan with
        {
            Outcome = PlanOutcome.Fits,
            KvCacheGiB = context * (double)kvPerToken / GiB,
            MaxContext = context,
            MaxNumSeqs = sequences,
            Concurrency = concurrency,
            Reason = PlanReasons.ModelFits,
            Message = Invariant($"{id} ({quantization}) on {card}: {arithmetic}; max context {context}, {concurrency:0.00} sequences of it at once, max-num-seqs {sequences}."),
        };
    }

    /// <summary>
    /// --max-num-seqs from the KV cache: as many sequences as can each hold <see cref="TokensPerPlannedSequence"/>
    /// tokens, at most vLLM's default, rounded down to a multiple of 8 (CUDA graphs are captured for batch sizes in
    /// steps of 8) once there are 8 or more.
    /// </summary>
    public static int PlanMaxNumSeqs(long kvTokens, int ceiling)
    {
        var sequences = (int)Math.Clamp(kvTokens / TokensPerPlannedSequence, 1, Math.Max(1, ceiling));
        return sequences >= 8 ? sequences / 8 * 8 : sequences;
    }

    private static VramPlan PlanUnknown(PlanRequest request)
    {
        var id = request.Model!.Trim();
        var total = CudaTotal(request);
        var quantization = Quantizations.Normalise(request.Quantization) ?? Quantizations.None;
        var plan = Empty(request) with { ModelId = id, Quantization = quantization };
        if (request.MaxModelLen is not > 0)
        {
            // Without a length vLLM would reserve KV cache for the model's full native context, which for most modern
            // models does not fit a 16 GB card: the pod would crash-loop. Refuse with a clear fix instead.
            return plan with
            {
                Outcome = PlanOutcome.Invalid,
                Reason = PlanReasons.MaxModelLenRequired,
                Message = $"{id} is not in the operator's model catalog and its config.json could not be read, so its fit cannot be checked: set spec.engine.maxModelLen to a context you know fits.",
            };
        }

        return plan with
        {
            Outcome = PlanOutcome.Unchecked,
            CudaTotalGiB = total,
            MaxContext = request.MaxModelLen.Value,
            Reason = PlanReasons.ModelNotInCatalog,
            Message = $"{id} is not in the operator's model catalog and its config.json could not be read, so its fit cannot be checked; deploying with maxModelLen {request.MaxModelLen.Value} (vLLM refuses to start if it does not fit).",
        };
    }

    private static VramPlan Empty(PlanRequest request)
    {
        var total = CudaTotal(request);
        return new VramPlan
        {
            Outcome = PlanOutcome.DoesNotFit,
            ModelId = null,
            Quantization = Quantizations.None,
            CudaTotalGiB = total,
            AvailableGiB = request.GpuMemoryUtilization * total,
            MaxGpuMemoryUtilization = VllmMemory.MaxUtilization(total, request.EnforceEager),
            Reason = PlanReasons.NoDefaultFits,
            Message = string.Empty,
        };
    }

    private static string ResolveQuantization(string id, string checkpoint, string? requested, out string? error)
    {
        error = null;
        var wanted = Quantizations.Normalise(requested);
        if (wanted is null || wanted == checkpoint)
        {
            return checkpoint;
        }

        // vLLM can quantise 16-bit weights to FP8 while loading; every other change needs a different checkpoint.
        if (wanted == Quantizations.Fp8 && checkpoint == Quantizations.None)
        {
            return Quantizations.Fp8;
        }

        error = Quantizations.NeedsPrequantisedCheckpoint(wanted)
            ? $"quantization '{wanted}' needs a checkpoint quantised that way; {id} is '{checkpoint}'. Pick an {wanted.ToUpperInvariant()} checkpoint as spec.model."
            : $"quantization '{wanted}' cannot be applied to {id}, which is already '{checkpoint}'.";
        return checkpoint;
    }

    private static double CudaTotal(PlanRequest request) => request.CudaTotalGiB ?? VllmMemory.CudaVisibleGiB(request.MemoryMiB);

    private static long RoundDown(long tokens) => tokens / ContextGranularity * ContextGranularity;

    private static string Describe(PlanRequest request, int tp, double total) =>
        Invariant($"{(tp > 1 ? $"{tp} x " : string.Empty)}{request.GpuClass} ({total:F2} GiB CUDA-visible of {request.MemoryMiB} MiB, utilisation {request.GpuMemoryUtilization:0.##})");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
