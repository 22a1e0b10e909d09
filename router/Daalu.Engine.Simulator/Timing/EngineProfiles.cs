namespace Daalu.Engine.Simulator.Timing;

/// <summary>
/// Engine profiles per card and model, derived from published vLLM measurements and NVIDIA datasheets.
///
/// Anchor measurement (decode): vLLM v0.23.0 serving Qwen/Qwen2.5-7B-Instruct in BF16 on one RTX A6000 (768 GB/s),
/// 52-token replies, published at https://ld-singh.github.io/ai-factory-ops-lab/portfolio-lab/06-validation-reports/inference-benchmark-report/ :
/// median time per output token 21.9 ms at concurrency 1, 22.3 ms at 8, 27.5 ms at 64, 36.0 ms at 128, 53.1 ms at
/// 256, where throughput peaks (~4,040 tok/s). A line through it: 21.8 ms per step plus 0.122 ms per running sequence.
///
/// Scaling to other cards and models (decode is memory-bound: each step reads every weight once, and each sequence's
/// KV cache): step base = 21.8 ms x (weight GiB / 14.2) x (768 / card GB/s); per-sequence cost = 0.122 ms x (KV bytes
/// per token / 57,344) x (768 / card GB/s). Cross-check on an Ada card: the RTX 4090 (1,008 GB/s) is predicted at
/// 16.6 ms per token for a 7B BF16 model, and vLLM on it measured 210 output tok/s at concurrency 4 for
/// Mistral-7B-Instruct-v0.3 with 256-token prompts (https://mushfiqrahman.dev/?p=1668), i.e. ~19 ms per token.
///
/// Prefill is compute-bound: tokens/s = 0.45 x dense FP16 tensor TFLOPS / (2 x parameters). The 45 % model FLOPs
/// utilisation is our assumption (not a measurement); with it the RTX A6000 prefills a 7B model at ~4,600 tok/s, so a
/// 200-token prompt costs ~45 ms, next to the 47 ms median TTFT at concurrency 1 in the anchor report.
///
/// KV cache (vLLM's memory budget, see docs/VLLM notes): gpu_memory_utilization x 0.965 x card GiB (CUDA reports less
/// than the nominal size) minus weights, minus 1.0 GiB of activations and CUDA graphs; the rest in 16-token blocks.
/// </summary>
public static class EngineProfiles
{
    private const double AnchorBaseMs = 21.8;
    private const double AnchorPerSequenceMs = 0.122;
    private const double AnchorWeightGiB = 14.2;
    private const double AnchorBandwidthGBps = 768;
    private const long AnchorKvBytesPerToken = 57_344;
    private const double PrefillMfu = 0.45;
    private const double ReservedGiB = 1.0;

    /// <summary>Derives a profile for <paramref name="model"/> on <paramref name="gpu"/> with vLLM's memory utilisation.</summary>
    public static EngineProfile Create(GpuClass gpu, ModelSpec model, double gpuMemoryUtilization = 0.9, int maxNumSeqs = 256, int maxModelLen = 32768)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(model);
        var bandwidth = AnchorBandwidthGBps / gpu.BandwidthGBps;
        var kvGiB = gpuMemoryUtilization * 0.965 * gpu.MemoryGiB - model.WeightGiB - ReservedGiB;
        var blocks = (int)Math.Max(0, Math.Floor(kvGiB * (1L << 30) / model.KvBytesPerToken / 16));
        return new EngineProfile
        {
            GpuClass = gpu.Name,
            ModelSize = model.Size,
            DecodeBaseMs = AnchorBaseMs * (model.WeightGiB / AnchorWeightGiB) * bandwidth,
            DecodePerSequenceMs = AnchorPerSequenceMs * ((double)model.KvBytesPerToken / AnchorKvBytesPerToken) * bandwidth,
            PrefillTokensPerSecond = PrefillMfu * gpu.DenseFp16Tflops * 1e12 / (2 * model.ParamsBillions * 1e9),
            KvBlocks = blocks,
            MaxNumSeqs = maxNumSeqs,
            MaxModelLen = maxModelLen,
        };
    }
}
