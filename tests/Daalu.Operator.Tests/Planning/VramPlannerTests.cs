using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Operator.Gpu;
using Daalu.Operator.Models;
using Daalu.Operator.Planning;

namespace Daalu.Operator.Tests.Planning;

public sealed class VramPlannerTests
{
    private static PlanRequest On(GpuCard card, string? model, string purpose = ModelPurposes.General, double utilisation = 0.9,
        int tp = 1, int? gpus = 1, int? maxModelLen = null, string? quantization = null) =>
        new(card.GpuClass, card.MemoryMiB, gpus, purpose, model, quantization, utilisation, tp, maxModelLen);

    // The table: model x card x utilisation -> outcome, reason and context range.
    [Theory]
    // An 8B-class model in 16-bit weights does not fit 16 GB at the default utilisation...
    [InlineData("Qwen/Qwen2.5-7B-Instruct", "rtx-2000-ada", 0.90, PlanOutcome.DoesNotFit, PlanReasons.InsufficientMemory, 0, 0)]
    // ...and 0.97 is refused outright: vLLM would reserve 15.1 GiB and leave no room for the CUDA context and graphs.
    [InlineData("Qwen/Qwen2.5-7B-Instruct", "rtx-2000-ada", 0.97, PlanOutcome.DoesNotFit, PlanReasons.UtilizationTooHigh, 0, 0)]
    // Llama 3.1 8B in BF16 (14.96 GiB of weights) does not fit a 16 GB card at all.
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", "rtx-2000-ada", 0.92, PlanOutcome.DoesNotFit, PlanReasons.InsufficientMemory, 0, 0)]
    // On 48 GB it gets its full native context.
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", "rtx-6000-ada", 0.90, PlanOutcome.Fits, PlanReasons.ModelFits, 131072, 131072)]
    // The same 8B in 4-bit fits 16 GB with a long context.
    [InlineData("hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", "rtx-2000-ada", 0.90, PlanOutcome.Fits, PlanReasons.ModelFits, 32768, 131072)]
    // A 14B coder needs 4-bit weights on 16 GB.
    [InlineData("Qwen/Qwen2.5-Coder-14B-Instruct", "rtx-2000-ada", 0.90, PlanOutcome.DoesNotFit, PlanReasons.WeightsDoNotLoad, 0, 0)]
    [InlineData("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", "rtx-2000-ada", 0.90, PlanOutcome.Fits, PlanReasons.ModelFits, 16384, 32767)]
    // A 32B model in AWQ fits 48 GB with its full 32k context; in 16-bit it does not.
    [InlineData("Qwen/Qwen2.5-32B-Instruct-AWQ", "rtx-6000-ada", 0.90, PlanOutcome.Fits, PlanReasons.ModelFits, 32768, 32768)]
    [InlineData("Qwen/Qwen2.5-32B-Instruct", "rtx-6000-ada", 0.90, PlanOutcome.DoesNotFit, PlanReasons.WeightsDoNotLoad, 0, 0)]
    [InlineData("Qwen/Qwen2.5-Coder-32B-Instruct-AWQ", "rtx-2000-ada", 0.90, PlanOutcome.DoesNotFit, PlanReasons.WeightsDoNotLoad, 0, 0)]
    // The 30B mixture-of-experts model: 57 GiB in BF16 does not even load on 48 GB; FP8 fits with a long context.
    [InlineData("Qwen/Qwen3-30B-A3B", "rtx-6000-ada", 0.90, PlanOutcome.DoesNotFit, PlanReasons.WeightsDoNotLoad, 0, 0)]
    [InlineData("Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8", "rtx-6000-ada", 0.90, PlanOutcome.Fits, PlanReasons.ModelFits, 100000, 262143)]
    public void Plan_ModelOnCard_MatchesTable(string model, string gpuClass, double utilisation, PlanOutcome outcome, string reason, int minContext, int maxContext)
    {
        var plan = VramPlanner.Plan(On(GpuCard.ForClass(gpuClass)!, model, utilisation: utilisation));

        Assert.Equal(outcome, plan.Outcome);
        Assert.Equal(reason, plan.Reason);
        Assert.InRange(plan.MaxContext, minContext, maxContext);
        Assert.Equal(model, plan.ModelId);
        if (outcome == PlanOutcome.Fits)
        {
            Assert.True(plan.WeightsGiB + plan.OverheadGiB + plan.KvBudgetGiB <= plan.AvailableGiB + 1e-9);
            Assert.True(plan.MaxContext <= plan.KvCacheTokens);
            Assert.Equal(0, plan.MaxContext % VramPlanner.ContextGranularity);
        }
        else
        {
            Assert.Equal(0, plan.MaxContext);
            Assert.Contains("GiB", plan.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("rtx-2000-ada", ModelPurposes.General, "Qwen/Qwen2.5-7B-Instruct-AWQ")]
    [InlineData("rtx-2000-ada", ModelPurposes.Coding, "Qwen/Qwen2.5-Coder-14B-Instruct-AWQ")]
    [InlineData("rtx-6000-ada", ModelPurposes.General, "Qwen/Qwen3-30B-A3B-Instruct-2507-FP8")]
    [InlineData("rtx-6000-ada", ModelPurposes.Coding, "Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8")]
    public void Plan_EmptyModel_PicksBestDefaultThatFits(string gpuClass, string purpose, string expected)
    {
        var plan = VramPlanner.Plan(On(GpuCard.ForClass(gpuClass)!, model: null, purpose: purpose));

        Assert.Equal(PlanOutcome.Fits, plan.Outcome);
        Assert.Equal(expected, plan.ModelId);
        Assert.True(plan.MaxContext >= VramPlanner.MinimumDefaultContext);
    }

    [Fact]
    public void Plan_EmptyModelFirstDefaultTooTight_FallsBackToNext()
    {
        // At 0.5 utilisation the FP8 30B (29 GiB of weights) no longer fits 48 GB; the 32B AWQ (18 GiB) does.
        var plan = VramPlanner.Plan(On(GpuCard.Rtx6000Ada, model: null, utilisation: 0.5));

        Assert.Equal(PlanOutcome.Fits, plan.Outcome);
        Assert.Equal("Qwen/Qwen2.5-32B-Instruct-AWQ", plan.ModelId);
    }

    [Fact]
    public void Plan_EmptyModelNothingFits_NoDefaultFitsWithNumbers()
    {
        var plan = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, model: null, purpose: ModelPurposes.Coding, utilisation: 0.3));

        Assert.Equal(PlanOutcome.DoesNotFit, plan.Outcome);
        Assert.Equal(PlanReasons.NoDefaultFits, plan.Reason);
        Assert.Contains("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", plan.Message, StringComparison.Ordinal);
        Assert.Contains("GiB", plan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_MaxModelLenWithinCapacity_UsedVerbatim()
    {
        var plan = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", maxModelLen: 8000));

        Assert.Equal(PlanOutcome.Fits, plan.Outcome);
        Assert.Equal(8000, plan.MaxContext);
        Assert.Equal(8000 * 196608 / VramPlanner.GiB, plan.KvCacheGiB, 6);
        Assert.True(plan.KvCacheTokens >= 8000);
    }

    [Fact]
    public void Plan_MaxModelLenBeyondCapacity_ContextDoesNotFit()
    {
        var plan = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", maxModelLen: 32768));

        Assert.Equal(PlanOutcome.DoesNotFit, plan.Outcome);
        Assert.Equal(PlanReasons.ContextDoesNotFit, plan.Reason);
        Assert.Contains("maxModelLen 32768 tokens does not fit", plan.Message, StringComparison.Ordinal);
        Assert.Contains("at most", plan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_MaxModelLenBeyondModel_ContextExceedsModel()
    {
        var plan = VramPlanner.Plan(On(GpuCard.Rtx6000Ada, "Qwen/Qwen2.5-32B-Instruct-AWQ", maxModelLen: 65536));

        Assert.Equal(PlanOutcome.DoesNotFit, plan.Outcome);
        Assert.Equal(PlanReasons.ContextExceedsModel, plan.Reason);
    }

    [Fact]
    public void Plan_UnknownModelWithoutMaxModelLen_Refused()
    {
        var plan = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "mistralai/Mistral-7B-Instruct-v0.3"));

        Assert.Equal(PlanOutcome.Invalid, plan.Outcome);
        Assert.False(plan.Deployable);
        Assert.Equal(PlanReasons.MaxModelLenRequired, plan.Reason);
        Assert.Contains("spec.engine.maxModelLen", plan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_UnknownModelWithMaxModelLen_DeployedUnchecked()
    {
        var plan = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "mistralai/Mistral-7B-Instruct-v0.3", maxModelLen: 4096));

        Assert.Equal(PlanOutcome.Unchecked, plan.Outcome);
        Assert.True(plan.Deployable);
        Assert.Equal(4096, plan.MaxContext);
        Assert.False(plan.ToModelFit().Fits);
    }

    [Fact]
    public void Plan_Fp8OnSixteenBitCheckpoint_HalvesResidentWeightsButLoadsSixteenBit()
    {
        var bf16 = VramPlanner.Plan(On(GpuCard.Rtx6000Ada, "meta-llama/Llama-3.1-8B-Instruct"));
        var fp8 = VramPlanner.Plan(On(GpuCard.Rtx6000Ada, "meta-llama/Llama-3.1-8B-Instruct", quantization: "fp8"));

        Assert.Equal(PlanOutcome.Fits, fp8.Outcome);
        Assert.Equal(Quantizations.Fp8, fp8.Quantization);
        Assert.True(fp8.WeightsGiB < bf16.WeightsGiB * 0.6);
        Assert.Equal(bf16.WeightsGiB, fp8.LoadPeakGiB, 6);
    }

    [Fact]
    public void Plan_Fp8OfSixteenBitCheckpointThatDoesNotLoad_WeightsDoNotLoad()
    {
        // Llama 3.1 8B BF16 is 14.96 GiB: at FP8 it would leave room on 16 GB, but vLLM loads the BF16 weights first
        // and the card has 15.14 GiB beside the CUDA context: it loads, so the plan fits on FP8 size...
        var fits = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "meta-llama/Llama-3.1-8B-Instruct", quantization: "fp8"));
        // ...while Qwen2.5-14B BF16 (27.5 GiB) at FP8 would be 14.5 GiB and cannot load at all.
        var refused = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "Qwen/Qwen2.5-14B-Instruct", quantization: "fp8"));

        Assert.Equal(PlanOutcome.Fits, fits.Outcome);
        Assert.Equal(PlanOutcome.DoesNotFit, refused.Outcome);
        Assert.Equal(PlanReasons.WeightsDoNotLoad, refused.Reason);
        Assert.Contains("loads the 16-bit checkpoint before quantising it to fp8", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", "awq")]
    [InlineData("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", "fp8")]
    [InlineData("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", "gptq")]
    public void Plan_QuantizationTheCheckpointCannotTake_Invalid(string model, string quantization)
    {
        var plan = VramPlanner.Plan(On(GpuCard.Rtx6000Ada, model, quantization: quantization));

        Assert.Equal(PlanOutcome.Invalid, plan.Outcome);
        Assert.Equal(PlanReasons.QuantizationMismatch, plan.Reason);
    }

    [Fact]
    public void Plan_QuantizationNone_MeansCheckpointFormat()
    {
        var plan = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", quantization: "none"));

        Assert.Equal(PlanOutcome.Fits, plan.Outcome);
        Assert.Equal(Quantizations.Awq, plan.Quantization);
    }

    [Fact]
    public void Plan_TensorParallelOverTwoSmallCards_Fits32BAwq()
    {
        var plan = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ", tp: 2, gpus: 2));

        // Per GPU: half the weights (9.0 GiB of 18 GiB), KV heads split 4 + 4, and NCCL buffers in the overhead.
        Assert.Equal(PlanOutcome.Fits, plan.Outcome);
        Assert.InRange(plan.MaxContext, 16384, 32768);
        Assert.Equal(16380 / 1024d * VllmMemory.CudaVisibleRatioSmall * 0.9, plan.AvailableGiB, 6);
        Assert.Equal(VllmMemory.NonTorchGiB + VllmMemory.TensorParallelNonTorchGiB, plan.NonTorchGiB, 6);
    }

    [Fact]
    public void Plan_TensorParallelBeyondNodeGpus_NotEnoughGpus()
    {
        var plan = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ", tp: 2, gpus: 1));

        Assert.Equal(PlanOutcome.DoesNotFit, plan.Outcome);
        Assert.Equal(PlanReasons.NotEnoughGpus, plan.Reason);
    }

    [Theory]
    [InlineData(18_224, 8)]       // Qwen2.5-Coder-14B-AWQ on RTX 2000 Ada: 8 sequences of 2048 tokens
    [InlineData(61_072, 24)]      // 29 rounded down to a multiple of 8
    [InlineData(5_000, 2)]        // below 8: not rounded
    [InlineData(1_000, 1)]        // never below one
    [InlineData(10_000_000, 256)] // never above vLLM's default
    public void PlanMaxNumSeqs_KvTokens_SequencesOf2048TokensUpToDefault(long kvTokens, int expected) =>
        Assert.Equal(expected, VramPlanner.PlanMaxNumSeqs(kvTokens, VllmMemory.DefaultMaxNumSeqs));

    [Fact]
    public void Plan_EnforceEager_NoGraphsSoHigherUtilisationStarts()
    {
        var graphs = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", utilisation: 0.94));
        var eager = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", utilisation: 0.94) with { EnforceEager = true });

        Assert.Equal(PlanReasons.UtilizationTooHigh, graphs.Reason);
        Assert.Contains("At most 0.92 fits this card", graphs.Message, StringComparison.Ordinal);
        Assert.Equal(PlanOutcome.Fits, eager.Outcome);
        Assert.True(eager.MaxContext > VramPlanner.Plan(On(GpuCard.Rtx2000Ada, "Qwen/Qwen2.5-Coder-14B-Instruct-AWQ")).MaxContext);
    }

    [Fact]
    public void Plan_EmptyModelUtilisationTooHigh_SaysSoInsteadOfNoDefaultFits()
    {
        var plan = VramPlanner.Plan(On(GpuCard.Rtx2000Ada, model: null, purpose: ModelPurposes.Coding, utilisation: 0.95));

        Assert.Equal(PlanReasons.UtilizationTooHigh, plan.Reason);
        Assert.Equal(0.92, plan.MaxGpuMemoryUtilization);
    }

    // Weight sizes agree with the published checkpoints (safetensors totals on Hugging Face) within 5%.
    [Theory]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", 16.06)]
    [InlineData("Qwen/Qwen2.5-7B-Instruct", 15.23)]
    [InlineData("Qwen/Qwen2.5-32B-Instruct-AWQ", 19.3)]
    [InlineData("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", 9.99)]
    [InlineData("hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", 5.73)]
    public void WeightBytes_CatalogModel_MatchesPublishedCheckpointSize(string id, double gigabytes)
    {
        var model = ModelCatalog.Find(id)!;

        Assert.InRange(model.WeightBytes(model.Quantization) / 1e9, gigabytes * 0.95, gigabytes * 1.05);
    }

    [Theory]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", 131072)] // 2 x 32 layers x 8 KV heads x 128 x 2 bytes
    [InlineData("Qwen/Qwen2.5-7B-Instruct", 57344)]          // 2 x 28 x 4 x 128 x 2
    [InlineData("Qwen/Qwen2.5-32B-Instruct-AWQ", 262144)]    // 2 x 64 x 8 x 128 x 2
    [InlineData("Qwen/Qwen3-30B-A3B", 98304)]                // 2 x 48 x 4 x 128 x 2
    public void KvCacheBytesPerToken_CatalogModel_FromArchitecture(string id, long bytes) =>
        Assert.Equal(bytes, ModelCatalog.Find(id)!.KvCacheBytesPerToken);

    [Fact]
    public void Catalog_EveryClassAndPurpose_HasADefaultWithToolParser()
    {
        foreach (var card in GpuCard.Supported)
        {
            foreach (var purpose in new[] { ModelPurposes.General, ModelPurposes.Coding })
            {
                var defaults = ModelCatalog.DefaultsFor(card.GpuClass, purpose);
                Assert.NotEmpty(defaults);
                Assert.All(defaults, d => Assert.False(string.IsNullOrEmpty(d.ToolCallParser)));
            }
        }
    }

    [Fact]
    public void Catalog_Find_IsCaseInsensitive() =>
        Assert.Equal("Qwen/Qwen2.5-7B-Instruct-AWQ", ModelCatalog.Find("qwen/qwen2.5-7b-instruct-awq")?.Id);

    [Fact]
    public void ToModelFit_SameInput_IdenticalStatus()
    {
        var request = On(GpuCard.Rtx2000Ada, null, ModelPurposes.Coding);

        var first = VramPlanner.Plan(request).ToModelFit();
        var second = VramPlanner.Plan(request).ToModelFit();

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(first), System.Text.Json.JsonSerializer.Serialize(second));
        Assert.Equal(Math.Round(first.WeightsGiB, 2), first.WeightsGiB);
    }
}
