using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Operator.Gpu;
using Daalu.Operator.Models;
using Daalu.Operator.Planning;

namespace Daalu.Operator.Tests.Planning;

/// <summary>
/// The planner against what vLLM did on real cards. Two kinds of case:
/// <list type="bullet">
/// <item>Measured ranges from issue 15 (the realistic maximum context for our default models on our two cards): the
/// planned max context must lie within the range widened by <see cref="RangeTolerance"/> on each side.</item>
/// <item>vLLM start-up logs published in vLLM issues: with the log's own CUDA total, utilisation, weights and batch
/// settings, the planned KV cache must be within <see cref="KvBelowTolerance"/> below and <see cref="KvAboveTolerance"/>
/// above the "KV cache" figure vLLM logged (asymmetric: planning less than vLLM had costs context, planning more
/// crash-loops), and a start vLLM refused must be refused.</item>
/// </list>
/// Older logs come from vLLM's V0 engine, which profiled a full max_model_len prefill (no chunking below 32k), so those
/// cases set max_num_batched_tokens to the log's max_model_len.
/// </summary>
public sealed class PublishedCasesTests
{
    /// <summary>Relative tolerance on the measured context ranges.</summary>
    private const double RangeTolerance = 0.025;

    /// <summary>How much less KV cache than vLLM logged the plan may have, in GiB.</summary>
    private const double KvBelowTolerance = 0.5;

    /// <summary>How much more KV cache than vLLM logged the plan may have, in GiB.</summary>
    private const double KvAboveTolerance = 0.25;

    // Issue 15, "Measured plans against a realistic budget": model, card, measured low and high maximum context.
    [Theory]
    [InlineData("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", "rtx-2000-ada", 17_500, 19_000)]
    [InlineData("hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", "rtx-2000-ada", 59_000, 61_000)]
    [InlineData("Qwen/Qwen3-30B-A3B-Instruct-2507-FP8", "rtx-6000-ada", 134_000, 137_000)]
    [InlineData("Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8", "rtx-6000-ada", 134_000, 137_000)]
    public void Plan_IssueMeasuredCase_WithinMeasuredRange(string model, string gpuClass, int low, int high)
    {
        var card = GpuCard.ForClass(gpuClass)!;
        var plan = VramPlanner.Plan(new PlanRequest(card.GpuClass, card.MemoryMiB, 1, ModelPurposes.General, model, null, 0.9, 1, null));

        Assert.Equal(PlanOutcome.Fits, plan.Outcome);
        Assert.InRange(plan.MaxContext, low * (1 - RangeTolerance), high * (1 + RangeTolerance));
    }

    // Issue 15: Qwen2.5-32B BF16 with quantization fp8 on RTX 6000 Ada was planned "Fits" and would OOM at load: vLLM's
    // FP8 docs say online dynamic quantisation loads the original-precision weights first (61 GiB > 47.4 GiB).
    [Fact]
    public void Plan_Qwen25With32BBf16OnlineFp8OnRtx6000_DoesNotLoad()
    {
        var plan = VramPlanner.Plan(new PlanRequest(GpuClasses.Rtx6000Ada, GpuCard.Rtx6000Ada.MemoryMiB, 1, ModelPurposes.General,
            "Qwen/Qwen2.5-32B-Instruct", "fp8", 0.9, 1, null));

        Assert.Equal(PlanOutcome.DoesNotFit, plan.Outcome);
        Assert.Equal(PlanReasons.WeightsDoNotLoad, plan.Reason);
        Assert.InRange(plan.LoadPeakGiB, 60, 62);
    }

    public static TheoryData<string, PlanRequest, double?, long?> LoggedStarts => new()
    {
        // vllm-project/vllm#10517 (RTX 3090, V0): Llama-3.1-8B-Instruct BF16, --max-model-len 20000, utilisation 0.90:
        // "Loading model weights took 14.9888 GB ... total_gpu_memory=23.58GiB ... kv_cache_size=3.81GiB".
        { "vllm#10517 Llama-3.1-8B 3090 20k", Logged("meta-llama/Llama-3.1-8B-Instruct", 23.58, 0.90, 20_000), 3.81, null },

        // Same issue, --max-model-len 29000: "kv_cache_size=2.89GiB ... The model's max seq len (29000) is larger than
        // the maximum number of tokens that can be stored in KV cache (23648)": vLLM refused to start.
        { "vllm#10517 Llama-3.1-8B 3090 29k refused", Logged("meta-llama/Llama-3.1-8B-Instruct", 23.58, 0.90, 29_000), 2.89, 23_648 },

        // vllm-project/vllm#15815 (2 x L40S, V0): Qwen2.5-32B-Instruct BF16, tensor parallel 2, --max-model-len 10000:
        // "total_gpu_memory (44.42GiB) x gpu_memory_utilization (0.90) = 39.98GiB; model weights take 30.71GiB;
        // non_torch_memory takes 0.30GiB; PyTorch activation peak memory takes 1.26GiB; the rest of the memory reserved
        // for KV Cache is 7.71GiB", "# CUDA blocks: 3947".
        { "vllm#15815 Qwen2.5-32B 2xL40S", Logged("Qwen/Qwen2.5-32B-Instruct", 44.42, 0.90, 10_000, tp: 2), 7.71, 3947 * 16 },

        // vllm-project/vllm#13882 (RTX 4060 8 GB, V0): Qwen2.5-7B 4-bit, --max-model-len 4096, utilisation 0.70:
        // "total_gpu_memory (8.00GiB) x gpu_memory_utilization (0.70) = 5.60GiB; model weights take 5.20GiB; ... PyTorch
        // activation peak memory takes 1.42GiB; the rest of the memory reserved for KV Cache is -1.05GiB": refused.
        { "vllm#13882 Qwen2.5-7B-AWQ 4060 refused", Logged("Qwen/Qwen2.5-7B-Instruct-AWQ", 8.00, 0.70, 4_096), -1.05, 0 },
    };

    [Theory]
    [MemberData(nameof(LoggedStarts))]
    public void Plan_LoggedStart_KvCacheWithinTolerance(string caseName, PlanRequest request, double? loggedKvGiB, long? loggedKvTokens)
    {
        var plan = VramPlanner.Plan(request);

        var planned = plan.AvailableGiB - plan.WeightsGiB - plan.OverheadGiB;
        Assert.True(planned >= loggedKvGiB - KvBelowTolerance && planned <= loggedKvGiB + KvAboveTolerance,
            $"{caseName}: planned KV {planned:F2} GiB, vLLM logged {loggedKvGiB:F2} GiB");

        var vllmStarted = loggedKvGiB > 0 && (loggedKvTokens is null || loggedKvTokens >= request.MaxModelLen);
        Assert.Equal(vllmStarted, plan.Outcome == PlanOutcome.Fits);
        if (!vllmStarted)
        {
            Assert.Contains(plan.Reason, new[] { PlanReasons.ContextDoesNotFit, PlanReasons.InsufficientMemory });
        }
    }

    // Every default plan for both card classes is one vLLM starts with: utilisation within the startable cap, the
    // budget plus the CUDA context and graphs within the CUDA-visible total, one max_model_len sequence within the
    // KV blocks, and at least the default minimum context.
    [Theory]
    [InlineData("rtx-2000-ada", ModelPurposes.General)]
    [InlineData("rtx-2000-ada", ModelPurposes.Coding)]
    [InlineData("rtx-6000-ada", ModelPurposes.General)]
    [InlineData("rtx-6000-ada", ModelPurposes.Coding)]
    public void Plan_EveryCatalogDefault_StartsUnderVllmRules(string gpuClass, string purpose)
    {
        var card = GpuCard.ForClass(gpuClass)!;
        foreach (var model in ModelCatalog.DefaultsFor(gpuClass, purpose))
        {
            var plan = VramPlanner.Plan(new PlanRequest(card.GpuClass, card.MemoryMiB, 1, purpose, model.Id, null, 0.9, 1, null));

            Assert.Equal(PlanOutcome.Fits, plan.Outcome);
            Assert.True(0.9 <= plan.MaxGpuMemoryUtilization, $"{model.Id}: cap {plan.MaxGpuMemoryUtilization}");
            Assert.True(plan.AvailableGiB + VllmMemory.CudaContextGiB + VllmMemory.CudaGraphGiB <= plan.CudaTotalGiB, model.Id);
            Assert.True(plan.LoadPeakGiB + VllmMemory.CudaContextGiB <= plan.CudaTotalGiB, model.Id);
            var blocksNeeded = (plan.MaxContext + VllmMemory.BlockSize - 1) / VllmMemory.BlockSize;
            Assert.True(blocksNeeded * VllmMemory.BlockSize * (double)model.KvCacheBytesPerToken / VllmMemory.GiB <= plan.KvBudgetGiB, model.Id);
            Assert.True(plan.MaxContext >= VramPlanner.MinimumDefaultContext, model.Id);
            Assert.InRange(plan.MaxNumSeqs, 1, VllmMemory.DefaultMaxNumSeqs);
        }
    }

    [Theory]
    [InlineData("rtx-2000-ada", 0.92)]
    [InlineData("rtx-6000-ada", 0.97)]
    public void MaxUtilization_AdaCards_LeavesRoomForContextAndGraphs(string gpuClass, double expected)
    {
        var total = VllmMemory.CudaVisibleGiB(GpuCard.ForClass(gpuClass)!.MemoryMiB);

        Assert.Equal(expected, VllmMemory.MaxUtilization(total, enforceEager: false), 2);
        Assert.True(VllmMemory.MaxUtilization(total, enforceEager: true) > expected);
    }

    [Theory]
    [InlineData(49_140, 47.40, 47.54)] // RTX 6000 Ada: public logs' "total capacity" range
    [InlineData(16_380, 15.55, 15.65)] // RTX 2000 Ada: 16 GB cards report 15.61 GiB
    public void CudaVisibleGiB_AdaCards_BelowNvmlTotalAsPublished(long nvmlMiB, double low, double high) =>
        Assert.InRange(VllmMemory.CudaVisibleGiB(nvmlMiB), low, high);

    private static PlanRequest Logged(string model, double cudaTotalGiB, double utilisation, int maxModelLen, int tp = 1) =>
        new(GpuClasses.Rtx6000Ada, 0, tp, ModelPurposes.General, model, null, utilisation, tp, maxModelLen,
            CudaTotalGiB: cudaTotalGiB, MaxNumBatchedTokens: maxModelLen);
}
