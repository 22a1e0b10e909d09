namespace Daalu.Operator.Models;

/// <summary>Weight formats and what each costs per parameter.</summary>
public static class Quantizations
{
    /// <summary>The checkpoint's own 16-bit dtype (BF16/FP16).</summary>
    public const string None = "none";

    /// <summary>4-bit AWQ, group size 128.</summary>
    public const string Awq = "awq";

    /// <summary>4-bit GPTQ, group size 128.</summary>
    public const string Gptq = "gptq";

    /// <summary>8-bit floating point (a pre-quantised checkpoint, or dynamic quantisation of a 16-bit one on Ada).</summary>
    public const string Fp8 = "fp8";

    /// <summary>
    /// Bytes per quantised (linear-layer) parameter. 4-bit formats with group size 128 also store one FP16 scale and
    /// one 4-bit zero point per group: (4 + 16/128 + 4/128) / 8 bytes. Embeddings and the LM head stay 16-bit in every
    /// format the catalog uses, so they are counted separately at 2 bytes.
    /// </summary>
    public static double BytesPerLinearParameter(string quantization) => quantization switch
    {
        None => 2.0,
        Fp8 => 1.0,
        Awq or Gptq => (4 + (16.0 / 128) + (4.0 / 128)) / 8,
        _ => throw new ArgumentOutOfRangeException(nameof(quantization), quantization, "unknown quantization"),
    };

    /// <summary>True for a format vLLM can only load from a checkpoint already quantised that way.</summary>
    public static bool NeedsPrequantisedCheckpoint(string quantization) => quantization is Awq or Gptq;

    /// <summary>Normalises a spec value: null, empty and "none" all mean the checkpoint's own format.</summary>
    public static string? Normalise(string? requested) =>
        string.IsNullOrWhiteSpace(requested) || string.Equals(requested, None, StringComparison.OrdinalIgnoreCase)
            ? null
            : requested.Trim().ToLowerInvariant();
}
