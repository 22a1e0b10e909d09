namespace Daalu.Operator.Models;

/// <summary>
/// What the VRAM planner needs to know about a model, from its Hugging Face <c>config.json</c> (and
/// <c>model.safetensors.index.json</c> for the checkpoint size): the KV cache per token, the weights vLLM loads, and
/// the sizes its start-up profiling run depends on.
/// </summary>
/// <param name="Layers">num_hidden_layers.</param>
/// <param name="KvHeads">num_key_value_heads (num_attention_heads when config.json has none: no grouped-query attention).</param>
/// <param name="HeadDim">head_dim, or hidden_size / num_attention_heads.</param>
/// <param name="HiddenSize">hidden_size.</param>
/// <param name="ActiveIntermediateSize">
/// The feed-forward width one token passes through: intermediate_size for a dense model, moe_intermediate_size x
/// num_experts_per_tok for a mixture of experts. It sizes the activations of vLLM's profiling forward pass.
/// </param>
/// <param name="VocabularySize">vocab_size: the width of the logits vLLM's profiling sampler run holds.</param>
/// <param name="MaxContext">max_position_embeddings: the longest context the model supports as configured.</param>
/// <param name="Quantization">The checkpoint's weight format (<see cref="Quantizations"/>), from quantization_config.quant_method.</param>
/// <param name="CheckpointBytes">The checkpoint's size on disk (safetensors metadata.total_size), when known.</param>
/// <param name="ParameterCount">Total parameters when known (the catalog's figure); used when the checkpoint size is not.</param>
/// <param name="TiedEmbeddings">tie_word_embeddings.</param>
/// <param name="Source">Where the figures came from, for status: "catalog", "huggingface:&lt;repo&gt;@&lt;revision&gt;", or "path:&lt;dir&gt;".</param>
public sealed record ModelArchitecture(
    int Layers,
    int KvHeads,
    int HeadDim,
    long HiddenSize,
    long ActiveIntermediateSize,
    long VocabularySize,
    int MaxContext,
    string Quantization,
    long? CheckpointBytes,
    long? ParameterCount,
    bool TiedEmbeddings,
    string Source)
{
    /// <summary>
    /// KV cache bytes per token on one GPU: keys and values (2) x layers x KV heads on this GPU x head_dim x bytes per
    /// element. With tensor parallelism vLLM splits the KV heads across GPUs and replicates them when there are fewer
    /// heads than GPUs, so each GPU holds max(1, kvHeads / tp) heads.
    /// </summary>
    public long KvCacheBytesPerTokenPerGpu(int tensorParallelSize, int bytesPerElement = 2) =>
        2L * Layers * Math.Max(1, KvHeads / Math.Max(1, tensorParallelSize)) * HeadDim * bytesPerElement;

    /// <summary>The weight bytes vLLM holds after loading in <paramref name="quantization"/> (all GPUs together).</summary>
    /// <remarks>
    /// A checkpoint loads at its own size (its safetensors total); online FP8 of a 16-bit checkpoint keeps roughly half
    /// of it once converted (embeddings and the LM head stay 16-bit). Without a checkpoint size the catalog's parameter
    /// count gives the same figure.
    /// </remarks>
    public double ResidentWeightBytes(string quantization)
    {
        var checkpoint = CheckpointWeightBytes();
        if (quantization == Quantization)
        {
            return checkpoint;
        }

        // Online quantisation of a 16-bit checkpoint: only FP8 is possible (the planner refuses the rest).
        var embeddings = EmbeddingBytes16Bit();
        return embeddings + ((checkpoint - embeddings) * Quantizations.BytesPerLinearParameter(quantization) / 2.0);
    }

    /// <summary>
    /// The most weight memory held at any moment while loading. vLLM's FP8 documentation: with online dynamic
    /// quantisation the original-precision weights are loaded first and quantised afterwards, so the peak is the
    /// 16-bit checkpoint, not its FP8 size.
    /// </summary>
    public double LoadPeakWeightBytes(string quantization) =>
        Math.Max(CheckpointWeightBytes(), ResidentWeightBytes(quantization));

    /// <summary>The checkpoint's bytes: its safetensors total, or computed from the parameter count.</summary>
    public double CheckpointWeightBytes()
    {
        if (CheckpointBytes is { } bytes)
        {
            return bytes;
        }

        var parameters = ParameterCount ?? throw new InvalidOperationException("neither the checkpoint size nor the parameter count is known");
        var embeddingParameters = EmbeddingBytes16Bit() / 2.0;
        return (embeddingParameters * 2.0) + ((parameters - embeddingParameters) * Quantizations.BytesPerLinearParameter(Quantization));
    }

    private double EmbeddingBytes16Bit() => VocabularySize * HiddenSize * (TiedEmbeddings ? 1.0 : 2.0) * 2.0;
}
