namespace Daalu.Operator.Planning;

/// <summary>Everything the planner needs: the card, what is asked of it, and the engine settings.</summary>
/// <param name="GpuClass">The card's class.</param>
/// <param name="MemoryMiB">Memory of one card in MiB.</param>
/// <param name="GpuCount">GPUs on the node, or null when unknown (then only tensor-parallel 1 is assumed safe).</param>
/// <param name="Purpose">general or coding, for choosing a default.</param>
/// <param name="Model">The requested Hugging Face id, or null/empty to choose a default.</param>
/// <param name="Quantization">spec.engine.quantization (null or "none" = the checkpoint's own format).</param>
/// <param name="GpuMemoryUtilization">Fraction of each card vLLM may use.</param>
/// <param name="TensorParallelSize">GPUs per replica.</param>
/// <param name="MaxModelLen">spec.engine.maxModelLen; null or 0 = the largest that fits.</param>
public sealed record PlanRequest(
    string GpuClass,
    long MemoryMiB,
    int? GpuCount,
    string Purpose,
    string? Model,
    string? Quantization,
    double GpuMemoryUtilization,
    int TensorParallelSize,
    int? MaxModelLen);
