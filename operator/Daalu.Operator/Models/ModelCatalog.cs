using Daalu.Api.V1Alpha1;
using Daalu.Contracts;

namespace Daalu.Operator.Models;

/// <summary>
/// The models the operator can plan for, with architecture numbers copied from each model's config.json on Hugging
/// Face (num_hidden_layers, num_key_value_heads, head_dim, hidden_size, vocab_size, tie_word_embeddings,
/// max_position_embeddings) and the published total parameter count. Defaults are listed best first per purpose; the
/// planner takes the first one that fits the card with a useful context.
/// </summary>
public static class ModelCatalog
{
    private static readonly string[] Small = [GpuClasses.Rtx2000Ada];
    private static readonly string[] Large = [GpuClasses.Rtx6000Ada];
    private static readonly string[] NoDefault = [];

    // Qwen2.5 7B: 28 layers, 4 KV heads, hidden 3584 (28 heads x 128), intermediate 18944, vocab 152064, untied, 32768 positions.
    private const long Qwen25Size7B = 7_615_616_512;

    // Qwen2.5 14B: 48 layers, 8 KV heads, hidden 5120 (40 heads x 128), intermediate 13824, vocab 152064, untied, 32768 positions.
    private const long Qwen25Size14B = 14_770_033_664;

    // Qwen2.5 32B: 64 layers, 8 KV heads, hidden 5120 (40 heads x 128), intermediate 27648, vocab 152064, untied, 32768 positions.
    private const long Qwen25Size32B = 32_763_876_352;

    // Qwen3 30B-A3B (MoE, 128 experts, 8 active of moe_intermediate 768): 48 layers, 4 KV heads, head_dim 128, hidden 2048,
    // vocab 151936, untied.
    private const long Qwen3Size30BA3B = 30_532_122_624;

    // Llama 3.1 8B: 32 layers, 8 KV heads, hidden 4096 (32 heads x 128), intermediate 14336, vocab 128256, untied, 131072 positions.
    private const long Llama31Size8B = 8_030_261_248;

    /// <summary>Every catalog model; defaults first, in preference order within each class and purpose.</summary>
    public static IReadOnlyList<CatalogModel> All { get; } =
    [
        // 16 GB (RTX 2000 Ada): 4-bit weights leave room for a long context.
        Qwen25_7B("Qwen/Qwen2.5-7B-Instruct-AWQ", ModelPurposes.General, Quantizations.Awq, Small),
        Llama31_8B("hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", Quantizations.Awq, Small),
        Qwen25_14B("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", ModelPurposes.Coding, Quantizations.Awq, Small),
        Qwen25_7B("Qwen/Qwen2.5-Coder-7B-Instruct-AWQ", ModelPurposes.Coding, Quantizations.Awq, Small),

        // 48 GB (RTX 6000 Ada): FP8 mixture-of-experts models (Ada runs FP8 natively) with long contexts first,
        // then dense 32B models in AWQ.
        Qwen3_30BA3B("Qwen/Qwen3-30B-A3B-Instruct-2507-FP8", ModelPurposes.General, Quantizations.Fp8, 262_144, "hermes", Large),
        Qwen25_32B("Qwen/Qwen2.5-32B-Instruct-AWQ", ModelPurposes.General, Quantizations.Awq, Large),
        Qwen3_30BA3B("Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8", ModelPurposes.Coding, Quantizations.Fp8, 262_144, "qwen3_coder", Large),
        Qwen25_32B("Qwen/Qwen2.5-Coder-32B-Instruct-AWQ", ModelPurposes.Coding, Quantizations.Awq, Large),

        // Known architectures that are never chosen by default but can be requested and checked.
        Llama31_8B("meta-llama/Llama-3.1-8B-Instruct", Quantizations.None, NoDefault),
        Qwen25_7B("Qwen/Qwen2.5-7B-Instruct", ModelPurposes.General, Quantizations.None, NoDefault),
        Qwen25_7B("Qwen/Qwen2.5-Coder-7B-Instruct", ModelPurposes.Coding, Quantizations.None, NoDefault),
        Qwen25_14B("Qwen/Qwen2.5-14B-Instruct", ModelPurposes.General, Quantizations.None, NoDefault),
        Qwen25_14B("Qwen/Qwen2.5-14B-Instruct-AWQ", ModelPurposes.General, Quantizations.Awq, NoDefault),
        Qwen25_14B("Qwen/Qwen2.5-Coder-14B-Instruct", ModelPurposes.Coding, Quantizations.None, NoDefault),
        Qwen25_32B("Qwen/Qwen2.5-32B-Instruct", ModelPurposes.General, Quantizations.None, NoDefault),
        Qwen25_32B("Qwen/Qwen2.5-Coder-32B-Instruct", ModelPurposes.Coding, Quantizations.None, NoDefault),
        Qwen3_30BA3B("Qwen/Qwen3-30B-A3B", ModelPurposes.General, Quantizations.None, 40_960, "hermes", NoDefault),
        Qwen3_30BA3B("Qwen/Qwen3-30B-A3B-FP8", ModelPurposes.General, Quantizations.Fp8, 40_960, "hermes", NoDefault),
        Qwen3_30BA3B("Qwen/Qwen3-Coder-30B-A3B-Instruct", ModelPurposes.Coding, Quantizations.None, 262_144, "qwen3_coder", NoDefault),
    ];

    /// <summary>The catalog entry for a Hugging Face id (case-insensitive, as the Hub treats ids), or null.</summary>
    public static CatalogModel? Find(string? id) =>
        string.IsNullOrWhiteSpace(id)
            ? null
            : All.FirstOrDefault(m => string.Equals(m.Id, id.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The defaults for a class and purpose, best first.</summary>
    public static IReadOnlyList<CatalogModel> DefaultsFor(string gpuClass, string purpose) =>
        All.Where(m => m.Purpose == purpose && m.DefaultFor.Contains(gpuClass)).ToList();

    private static CatalogModel Qwen25_7B(string id, string purpose, string quantization, string[] defaults) =>
        new(id, "Qwen2.5", purpose, Qwen25Size7B, 152_064, 3_584, 18_944, false, 28, 4, 128, 32_768, quantization, "hermes", defaults);

    private static CatalogModel Qwen25_14B(string id, string purpose, string quantization, string[] defaults) =>
        new(id, "Qwen2.5", purpose, Qwen25Size14B, 152_064, 5_120, 13_824, false, 48, 8, 128, 32_768, quantization, "hermes", defaults);

    private static CatalogModel Qwen25_32B(string id, string purpose, string quantization, string[] defaults) =>
        new(id, "Qwen2.5", purpose, Qwen25Size32B, 152_064, 5_120, 27_648, false, 64, 8, 128, 32_768, quantization, "hermes", defaults);

    private static CatalogModel Qwen3_30BA3B(string id, string purpose, string quantization, int maxContext, string parser, string[] defaults) =>
        new(id, "Qwen3-MoE", purpose, Qwen3Size30BA3B, 151_936, 2_048, 8 * 768, false, 48, 4, 128, maxContext, quantization, parser, defaults);

    private static CatalogModel Llama31_8B(string id, string quantization, string[] defaults) =>
        new(id, "Llama-3.1", ModelPurposes.General, Llama31Size8B, 128_256, 4_096, 14_336, false, 32, 8, 128, 131_072, quantization, "llama3_json", defaults);
}
