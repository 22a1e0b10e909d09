namespace Daalu.Engine.Simulator.Timing;

/// <summary>
/// What the timing model needs to know about a model: parameter count, weight bytes as loaded, and KV cache bytes per
/// token (2 x layers x KV heads x head dim x 2 bytes, vLLM's formula for an fp16/bf16 KV cache). Architecture figures
/// are from each model's Hugging Face config.json.
/// </summary>
public sealed record ModelSpec(string Size, string DefaultModelId, double ParamsBillions, double WeightGiB, int Layers, int KvHeads, int HeadDim)
{
    /// <summary>KV bytes per token.</summary>
    public long KvBytesPerToken => 2L * Layers * KvHeads * HeadDim * 2;

    /// <summary>Qwen2.5-3B-Instruct, BF16: 3.09 B parameters, 36 layers, 2 KV heads of 128 (5.8 GiB of weights).</summary>
    public static ModelSpec Qwen3B { get; } = new("3b", "Qwen/Qwen2.5-3B-Instruct", 3.09, 5.8, 36, 2, 128);

    /// <summary>Qwen2.5-7B-Instruct, BF16: 7.62 B parameters, 28 layers, 4 KV heads of 128 (14.2 GiB of weights).</summary>
    public static ModelSpec Qwen7B { get; } = new("7b", "Qwen/Qwen2.5-7B-Instruct", 7.62, 14.2, 28, 4, 128);

    /// <summary>Qwen2.5-7B-Instruct-AWQ: 4-bit weights, embeddings and head in FP16 (5.2 GiB as loaded).</summary>
    public static ModelSpec Qwen7BAwq { get; } = new("7b-awq", "Qwen/Qwen2.5-7B-Instruct-AWQ", 7.62, 5.2, 28, 4, 128);

    /// <summary>Qwen2.5-Coder-7B-Instruct-AWQ: the same architecture as Qwen2.5-7B (5.2 GiB as loaded).</summary>
    public static ModelSpec QwenCoder7BAwq { get; } = new("7b-awq", "Qwen/Qwen2.5-Coder-7B-Instruct-AWQ", 7.62, 5.2, 28, 4, 128);

    /// <summary>Qwen2.5-14B-Instruct, BF16: 14.7 B parameters, 48 layers, 8 KV heads of 128 (27.5 GiB of weights).</summary>
    public static ModelSpec Qwen14B { get; } = new("14b", "Qwen/Qwen2.5-14B-Instruct", 14.7, 27.5, 48, 8, 128);

    /// <summary>BAAI/bge-m3 (XLM-RoBERTa large encoder, 568 M parameters, 1,024-dimensional embeddings): pooling only.</summary>
    public static ModelSpec BgeM3 { get; } = new("0.6b-embed", "BAAI/bge-m3", 0.568, 1.1, 24, 16, 64);

    /// <summary>Every spec by size label.</summary>
    public static IReadOnlyList<ModelSpec> All { get; } = [Qwen3B, Qwen7B, Qwen7BAwq, Qwen14B, BgeM3];
}
