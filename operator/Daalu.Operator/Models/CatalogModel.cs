namespace Daalu.Operator.Models;

/// <summary>
/// One model the operator knows the architecture of, from the model's own config.json: enough to compute its weights
/// and KV cache size without asking the Hub.
/// </summary>
/// <param name="Id">Hugging Face id, passed to vLLM as --model (or as --served-model-name for pre-staged weights).</param>
/// <param name="Family">Model family, for humans.</param>
/// <param name="Purpose">general or coding.</param>
/// <param name="ParameterCount">Total parameters (all experts for a mixture-of-experts model).</param>
/// <param name="VocabularySize">vocab_size.</param>
/// <param name="HiddenSize">hidden_size.</param>
/// <param name="ActiveIntermediateSize">intermediate_size (dense) or moe_intermediate_size x num_experts_per_tok (MoE).</param>
/// <param name="TiedEmbeddings">tie_word_embeddings: the LM head shares the embedding matrix.</param>
/// <param name="Layers">num_hidden_layers.</param>
/// <param name="KvHeads">num_key_value_heads.</param>
/// <param name="HeadDim">head_dim (hidden_size / num_attention_heads when config.json has none).</param>
/// <param name="MaxContext">max_position_embeddings: the longest context the model supports natively.</param>
/// <param name="Quantization">The checkpoint's weight format (<see cref="Quantizations"/>).</param>
/// <param name="ToolCallParser">vLLM --tool-call-parser for this model, or null when it has no tool calling.</param>
/// <param name="DefaultFor">GPU classes this model is a default for, best first within its purpose (catalog order).</param>
public sealed record CatalogModel(
    string Id,
    string Family,
    string Purpose,
    long ParameterCount,
    long VocabularySize,
    long HiddenSize,
    long ActiveIntermediateSize,
    bool TiedEmbeddings,
    int Layers,
    int KvHeads,
    int HeadDim,
    int MaxContext,
    string Quantization,
    string? ToolCallParser,
    IReadOnlyList<string> DefaultFor)
{
    /// <summary>The planner's view of this entry.</summary>
    public ModelArchitecture Architecture => new(
        Layers, KvHeads, HeadDim, HiddenSize, ActiveIntermediateSize, VocabularySize, MaxContext, Quantization,
        CheckpointBytes: null, ParameterCount, TiedEmbeddings, Source: "catalog");

    /// <summary>KV cache bytes per token at a 16-bit KV dtype: keys and values for every layer and KV head.</summary>
    public long KvCacheBytesPerToken => Architecture.KvCacheBytesPerTokenPerGpu(1);

    /// <summary>Weight bytes when loaded in <paramref name="quantization"/>.</summary>
    public double WeightBytes(string quantization) => Architecture.ResidentWeightBytes(quantization);
}
