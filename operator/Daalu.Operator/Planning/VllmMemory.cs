namespace Daalu.Operator.Planning;

/// <summary>
/// The figures of vLLM's memory accounting the planner models, each with where it was published. vLLM (v0.11, the
/// default image; <c>vllm/v1/worker/gpu_worker.py</c>) does this at start-up, per GPU:
/// <list type="number">
/// <item>It takes the total memory CUDA reports (below the NVML total GPU Feature Discovery puts in
/// <c>nvidia.com/gpu.memory</c>) and refuses to start when free memory is below
/// <c>gpu_memory_utilization x total</c> ("Free memory on device ... on startup is less than desired GPU memory
/// utilization").</item>
/// <item>It loads the weights, runs one profiling forward pass of <c>max_num_batched_tokens</c> tokens and one sampler
/// pass over <c>max_num_seqs</c> rows of logits, and gives what is left of the budget after weights, the activation
/// peak and the non-torch memory to the KV cache, in 16-token blocks ("Available KV cache memory", "GPU KV cache
/// size: N tokens").</item>
/// <item>It refuses to start when one <c>max_model_len</c> sequence does not fit those blocks ("To serve at least one
/// request with the models's max seq len ... is larger than the available KV cache memory").</item>
/// <item>It then captures CUDA graphs (unless <c>--enforce-eager</c>); in v0.11 that memory is not part of the
/// budget, so it must fit in what <c>1 - gpu_memory_utilization</c> leaves beside the CUDA context.</item>
/// </list>
/// </summary>
public static class VllmMemory
{
    /// <summary>Bytes in a GiB.</summary>
    public const double GiB = 1024d * 1024 * 1024;

    /// <summary>
    /// CUDA-visible total / NVML total for 48 GB cards: public vLLM and PyTorch logs on RTX 6000 Ada show 47.40-47.54 GiB
    /// "total capacity" against the 49140 MiB (47.99 GiB) NVML reports, and an L40S (the same AD102 chip, 46068 MiB)
    /// logs total_gpu_memory 44.42 GiB (vllm-project/vllm#15815): 0.9874-0.9906. The lowest is used.
    /// </summary>
    public const double CudaVisibleRatioLarge = 47.40 / (49140 / 1024d);

    /// <summary>
    /// The same for 16 GB cards: a 16 GB GDDR6 workstation card (RTX A4000) reports "a total capacity of 15.61 GiB" in
    /// PyTorch's out-of-memory message (DengKaiCQ/VGGT-Long#6): 15.61 of a nominal 16 GiB. The reservation is a larger
    /// share of a small card (24 GB Ada/Ampere cards show 23.52-23.58 GiB, vllm-project/vllm#42147 and #10517), so the
    /// 48 GB ratio would overstate a 16 GB card by about 0.2 GiB.
    /// </summary>
    public const double CudaVisibleRatioSmall = 15.61 / 16.0;

    /// <summary>Cards up to this NVML size use <see cref="CudaVisibleRatioSmall"/>.</summary>
    public const long SmallCardMaxMiB = 24_576;

    /// <summary>
    /// Memory the vLLM process holds outside PyTorch's allocator before the budget is taken (CUDA context, cuBLAS):
    /// a vLLM engine on a 24 GB Ada card logs 23.37 GiB in use of which 22.69 GiB allocated and 0.21 GiB reserved by
    /// PyTorch, so 0.47 GiB is not PyTorch's (vllm-project/vllm#42147). It is outside vLLM's budget, so it limits
    /// gpu_memory_utilization.
    /// </summary>
    public const double CudaContextGiB = 0.47;

    /// <summary>
    /// CUDA graph capture memory, taken after the KV cache in v0.11 ("Graph capturing finished ... took 0.64 GiB" in a
    /// published v0.11-era log, generative-computing/granite-switch#128; typical figures are 0.3-0.7 GiB). Zero with
    /// --enforce-eager.
    /// </summary>
    public const double CudaGraphGiB = 0.64;

    /// <summary>
    /// Non-torch memory that grows during profiling (cuBLAS/cuDNN workspaces, torch.compile buffers): vLLM logs
    /// non_torch_memory 0.30 GiB on L40S (vllm-project/vllm#15815) and 0.35 GiB on RTX 3090 (#10517) for one GPU.
    /// </summary>
    public const double NonTorchGiB = 0.25;

    /// <summary>Extra non-torch memory per GPU with tensor parallelism (NCCL and custom all-reduce buffers).</summary>
    public const double TensorParallelNonTorchGiB = 0.25;

    /// <summary>
    /// Safety margin per GPU left out of the KV cache: the profiled peak varies between vLLM releases and with the
    /// attention backend; planning 0.15 GiB less KV cache costs about 1k tokens of context on a 14B model and keeps a
    /// plan from being refused at start-up when the real peak is a little above the estimate.
    /// </summary>
    public const double SafetyMarginGiB = 0.15;

    /// <summary>Safety margin kept free beside the budget when capping gpu_memory_utilization.</summary>
    public const double StartMarginGiB = 0.10;

    /// <summary>
    /// vLLM's default max_num_batched_tokens for the OpenAI server on GPUs under 70 GiB (every Ada card here):
    /// <c>vllm/engine/arg_utils.py</c>, <c>UsageContext.OPENAI_API_SERVER: 2048</c>.
    /// </summary>
    public const int DefaultMaxNumBatchedTokens = 2048;

    /// <summary>vLLM's default max_num_seqs for the OpenAI server on GPUs under 70 GiB (same source): 256.</summary>
    public const int DefaultMaxNumSeqs = 256;

    /// <summary>vLLM allocates the KV cache in blocks of this many tokens (the CUDA default block size).</summary>
    public const int BlockSize = 16;

    /// <summary>
    /// Bytes held per token of the profiling forward pass, per element of the feed-forward width: the gate/up
    /// projection output (2 x width) plus the activation output (1 x width) at 16 bits, and the residual stream, taken
    /// from vLLM's logged activation peaks on RTX 3090 for Llama-3.1-8B at 20,000 and 29,000 batched tokens
    /// (peak_torch_memory minus weights: 2.07 and 2.99 GiB, vllm-project/vllm#10517): about 8 bytes per token per
    /// element of intermediate_size (the slope between the two runs is 7.65).
    /// </summary>
    public const double ForwardBytesPerTokenPerWidth = 8.0;

    /// <summary>
    /// Float32 copies of the [max_num_seqs x vocab] logits the profiling sampler run holds at its peak (the float32
    /// logits, the sorted values and int64 indices of top-k/top-p, probabilities): seven reproduces the logged
    /// activation peaks where the sampler dominates (1.42 GiB for a 152k vocabulary, vllm-project/vllm#13882, with the
    /// non-torch and margin terms). This is the term that makes the overhead grow with vocabulary size: 1.01 GiB for a
    /// 152k vocabulary at 256 sequences, 0.86 GiB for Llama's 128k.
    /// </summary>
    public const double SamplerFloat32Copies = 7.0;

    /// <summary>The CUDA-visible total of one card, from the NVML total that GPU Feature Discovery reports.</summary>
    public static double CudaVisibleGiB(long nvmlMiB) =>
        nvmlMiB / 1024d * (nvmlMiB <= SmallCardMaxMiB ? CudaVisibleRatioSmall : CudaVisibleRatioLarge);

    /// <summary>The activation peak of vLLM's profiling run on one GPU: its forward pass or its sampler run, whichever is larger.</summary>
    public static double ActivationGiB(long activeIntermediateSize, long vocabularySize, int tensorParallelSize, int maxNumBatchedTokens, int maxNumSeqs)
    {
        var tp = Math.Max(1, tensorParallelSize);
        var forward = maxNumBatchedTokens * ForwardBytesPerTokenPerWidth * ((double)activeIntermediateSize / tp);
        var sampler = (double)maxNumSeqs * vocabularySize * 4 * SamplerFloat32Copies;

        // The forward pass's intermediates are freed before the sampler runs on its last hidden states, so the peak is
        // the larger of the two, not their sum.
        return Math.Max(forward, sampler) / GiB;
    }

    /// <summary>The highest gpu_memory_utilization vLLM can start with on a card of <paramref name="cudaTotalGiB"/>.</summary>
    public static double MaxUtilization(double cudaTotalGiB, bool enforceEager) =>
        Math.Floor((cudaTotalGiB - CudaContextGiB - (enforceEager ? 0 : CudaGraphGiB) - StartMarginGiB) / cudaTotalGiB * 100) / 100;
}
