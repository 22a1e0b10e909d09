using System.Globalization;
using System.Text.Json;

namespace Daalu.Operator.Models;

/// <summary>
/// Turns a Hugging Face <c>config.json</c> (the transformers PretrainedConfig fields) and the checkpoint size from
/// <c>model.safetensors.index.json</c> (<c>metadata.total_size</c>) into the figures the VRAM planner uses. Pure: no
/// I/O, so it is tested on the real files of several models.
/// </summary>
public static class ModelConfigParser
{
    /// <summary>
    /// Every top-level config.json field <see cref="Parse"/> reads (also under <c>text_config</c>), besides
    /// <c>quantization_config.quant_method</c>. The weights inspection Pod prints only these, so its summary stays far
    /// below the 4096-byte termination message limit; a test checks that the reduced config parses to the same figures.
    /// </summary>
    public static IReadOnlyList<string> ConfigFields { get; } =
    [
        "num_hidden_layers", "hidden_size", "num_attention_heads", "num_key_value_heads", "head_dim", "vocab_size",
        "max_position_embeddings", "max_sequence_length", "seq_length", "tie_word_embeddings", "torch_dtype", "dtype",
        "kv_lora_rank", "num_experts_per_tok", "num_experts", "num_local_experts", "n_routed_experts",
        "moe_intermediate_size", "intermediate_size", "shared_expert_intermediate_size",
    ];

    /// <summary>Parses <paramref name="configJson"/>; throws <see cref="FormatException"/> when a needed field is missing.</summary>
    /// <param name="configJson">The config.json text.</param>
    /// <param name="checkpointBytes">The safetensors total size, when known.</param>
    /// <param name="source">Where the files came from, for status.</param>
    public static ModelArchitecture Parse(string configJson, long? checkpointBytes, string source)
    {
        ArgumentNullException.ThrowIfNull(configJson);
        using var document = JsonDocument.Parse(configJson);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("config.json is not a JSON object");
        }

        // Multimodal wrappers (Gemma 3, Mistral 3, Qwen2.5-VL in newer transformers) keep the language model's figures
        // under text_config.
        var text = !root.TryGetProperty("num_hidden_layers", out _) && root.TryGetProperty("text_config", out var nested) && nested.ValueKind == JsonValueKind.Object
            ? nested
            : root;

        if (text.TryGetProperty("kv_lora_rank", out var lora) && lora.ValueKind == JsonValueKind.Number)
        {
            throw new FormatException("multi-head latent attention (kv_lora_rank) caches a compressed KV that this planner does not model");
        }

        var layers = (int)Required(text, "num_hidden_layers");
        var hidden = Required(text, "hidden_size");
        var heads = Optional(text, "num_attention_heads");
        var kvHeads = (int)(Optional(text, "num_key_value_heads") ?? heads ?? throw Missing("num_key_value_heads"));
        var headDim = (int)(Optional(text, "head_dim") ?? (heads is { } h and > 0 ? hidden / h : throw Missing("head_dim")));
        var vocabulary = Optional(text, "vocab_size") ?? Required(root, "vocab_size");
        var maxContext = (int)(Optional(text, "max_position_embeddings") ?? Optional(text, "max_sequence_length") ?? Optional(text, "seq_length") ?? throw Missing("max_position_embeddings"));
        var tied = Boolean(text, "tie_word_embeddings") ?? Boolean(root, "tie_word_embeddings") ?? false;

        var quantization = Quantizations.None;
        if (root.TryGetProperty("quantization_config", out var quant) && quant.ValueKind == JsonValueKind.Object
            && quant.TryGetProperty("quant_method", out var method) && method.ValueKind == JsonValueKind.String)
        {
            quantization = method.GetString()!.Trim().ToLowerInvariant();
        }

        var dtype = String(text, "torch_dtype") ?? String(text, "dtype") ?? String(root, "torch_dtype") ?? String(root, "dtype");
        if (checkpointBytes is { } bytes && quantization == Quantizations.None && string.Equals(dtype, "float32", StringComparison.OrdinalIgnoreCase))
        {
            // vLLM's --dtype auto runs a float32 checkpoint in 16 bits and converts each tensor as it loads it.
            checkpointBytes = bytes / 2;
        }

        return new ModelArchitecture(layers, kvHeads, headDim, hidden, ActiveIntermediate(text), vocabulary, maxContext, quantization,
            checkpointBytes, ParameterCount: null, tied, source);
    }

    /// <summary>metadata.total_size of a safetensors index.</summary>
    public static long ParseIndexTotalSize(string indexJson)
    {
        ArgumentNullException.ThrowIfNull(indexJson);
        using var document = JsonDocument.Parse(indexJson);
        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && Optional(metadata, "total_size") is { } total and > 0)
        {
            return total;
        }

        throw new FormatException("model.safetensors.index.json has no metadata.total_size");
    }

    // The feed-forward width one token goes through: a mixture of experts runs num_experts_per_tok experts (plus any
    // shared expert); a dense model its intermediate_size.
    private static long ActiveIntermediate(JsonElement text)
    {
        var perToken = Optional(text, "num_experts_per_tok");
        var experts = Optional(text, "num_experts") ?? Optional(text, "num_local_experts") ?? Optional(text, "n_routed_experts");
        if (perToken is > 0 && experts is > 0)
        {
            var expertWidth = Optional(text, "moe_intermediate_size") ?? Required(text, "intermediate_size");
            var shared = Optional(text, "shared_expert_intermediate_size") ?? 0;
            return (expertWidth * perToken.Value) + shared;
        }

        return Required(text, "intermediate_size");
    }

    private static long Required(JsonElement element, string name) => Optional(element, name) ?? throw Missing(name);

    private static FormatException Missing(string name) => new($"config.json has no {name}");

    private static long? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.TryGetInt64(out var whole) ? whole : (long)value.GetDouble()
            : null;

    private static bool? Boolean(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()?.Trim().ToLower(CultureInfo.InvariantCulture)
            : null;
}
