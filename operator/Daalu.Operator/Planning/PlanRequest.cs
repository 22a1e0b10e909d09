using Daalu.Operator.Models;

namespace Daalu.Operator.Planning;

/// <summary>Everything the planner needs: the card, what is asked of it, and the engine settings.</summary>
/// <param name="GpuClass">The card's class.</param>
/// <param name="MemoryMiB">Memory of one card in MiB as NVML (GPU Feature Discovery) reports it.</param>
/// <param name="GpuCount">GPUs on the node, or null when unknown (then only tensor-parallel 1 is assumed safe).</param>
/// <param name="Purpose">general or coding, for choosing a default.</param>
/// <param name="Model">The requested Hugging Face id, or null/empty to choose a default.</param>
/// <param name="Quantization">spec.engine.quantization (null or "none" = the checkpoint's own format).</param>
/// <param name="GpuMemoryUtilization">Fraction of each card vLLM may use.</param>
/// <param name="TensorParallelSize">GPUs per replica.</param>
/// <param name="MaxModelLen">spec.engine.maxModelLen; null or 0 = the largest that fits.</param>
/// <param name="Architecture">For a model outside the catalog: its figures read from config.json (null = unknown).</param>
/// <param name="EnforceEager">vLLM runs with --enforce-eager (no CUDA graphs).</param>
/// <param name="CudaTotalGiB">The CUDA-visible total of one card when measured; null = derived from <paramref name="MemoryMiB"/>.</param>
/// <param name="MaxNumBatchedTokens">vLLM's max_num_batched_tokens; null = its default on these cards.</param>
/// <param name="MaxNumSeqs">The max_num_seqs vLLM profiles with; null = its default on these cards.</param>
public sealed record PlanRequest(
    string GpuClass,
    long MemoryMiB,
    int? GpuCount,
    string Purpose,
    string? Model,
    string? Quantization,
    double GpuMemoryUtilization,
    int TensorParallelSize,
    int? MaxModelLen,
    ModelArchitecture? Architecture = null,
    bool EnforceEager = false,
    double? CudaTotalGiB = null,
    int? MaxNumBatchedTokens = null,
    int? MaxNumSeqs = null);
