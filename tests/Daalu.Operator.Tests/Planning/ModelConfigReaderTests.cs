using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Operator.Gpu;
using Daalu.Operator.Models;
using Daalu.Operator.Planning;
using Daalu.TestDoubles.HuggingFace;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Operator.Tests.Planning;

/// <summary>
/// Models outside the catalog, planned from their real config.json files served by a Hugging Face Hub double over
/// real HTTP on 127.0.0.1 (see <see cref="HubModels"/> for the files and their sources).
/// </summary>
public sealed class ModelConfigReaderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private HuggingFaceHubDouble _hub = null!;
    private HttpClient _http = null!;
    private ModelConfigReader _reader = null!;

    public async Task InitializeAsync()
    {
        _hub = await HuggingFaceHubDouble.StartNewAsync(HubModels.All);
        _http = new HttpClient();
        _reader = new ModelConfigReader(_http, _hub.Endpoint, _time);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task ReadHubAsync_ShardedCheckpoint_ArchitectureFromConfigAndIndex()
    {
        var read = await _reader.ReadHubAsync("Qwen/Qwen2.5-7B-Instruct", "main", null, CancellationToken.None);

        var architecture = Assert.IsType<ModelArchitecture>(read.Architecture);
        Assert.Equal(28, architecture.Layers);
        Assert.Equal(4, architecture.KvHeads);
        Assert.Equal(128, architecture.HeadDim); // 3584 / 28
        Assert.Equal(152_064, architecture.VocabularySize);
        Assert.Equal(18_944, architecture.ActiveIntermediateSize);
        Assert.Equal(32_768, architecture.MaxContext);
        Assert.Equal(15_231_233_024, architecture.CheckpointBytes);
        Assert.Equal(Quantizations.None, architecture.Quantization);
        Assert.Equal("huggingface:Qwen/Qwen2.5-7B-Instruct@main", architecture.Source);
        Assert.Equal(57_344, architecture.KvCacheBytesPerTokenPerGpu(1));
    }

    [Fact]
    public async Task ReadHubAsync_MixtureOfExperts_ActiveWidthIsExpertsPerToken()
    {
        var architecture = (await _reader.ReadHubAsync("Qwen/Qwen3-30B-A3B", "main", null, CancellationToken.None)).Architecture!;

        Assert.Equal(8 * 768, architecture.ActiveIntermediateSize);
        Assert.Equal(128, architecture.HeadDim); // explicit head_dim, not 2048 / 32
        Assert.Equal(98_304, architecture.KvCacheBytesPerTokenPerGpu(1));
    }

    [Fact]
    public async Task ReadHubAsync_SingleFileCheckpoint_SizeFromLinkedSize()
    {
        var architecture = (await _reader.ReadHubAsync("Qwen/Qwen2.5-0.5B-Instruct", "main", null, CancellationToken.None)).Architecture!;

        Assert.Equal(988_065_536, architecture.CheckpointBytes);
        Assert.Contains(_hub.Requests, r => r.Method == "HEAD" && r.Path.EndsWith("/model.safetensors", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadHubAsync_GatedWithToken_SendsBearerAndReads()
    {
        var read = await _reader.ReadHubAsync("meta-llama/Llama-3.1-8B-Instruct", "main", "hf_double_llama_access", CancellationToken.None);

        Assert.NotNull(read.Architecture);
        Assert.All(_hub.Requests, r => Assert.Equal("Bearer hf_double_llama_access", r.Authorization));
    }

    [Theory]
    [InlineData(null, "401", "without a token")]
    [InlineData("hf_wrong", "403", "has no access")]
    public async Task ReadHubAsync_GatedWithoutAccess_UnauthorizedWithoutLeakingToken(string? token, string status, string says)
    {
        var read = await _reader.ReadHubAsync("meta-llama/Llama-3.1-8B-Instruct", "main", token, CancellationToken.None);

        Assert.Null(read.Architecture);
        Assert.True(read.Definitive);
        Assert.Equal(PlanReasons.ModelConfigUnauthorized, read.Reason);
        Assert.Contains(status, read.Message, StringComparison.Ordinal);
        Assert.Contains(says, read.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hf_wrong", read.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadHubAsync_UnknownRepository_NotFound()
    {
        var read = await _reader.ReadHubAsync("nobody/no-such-model", "main", null, CancellationToken.None);

        Assert.Equal(PlanReasons.ModelConfigNotFound, read.Reason);
        Assert.True(read.Definitive);
        Assert.Contains("404", read.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadHubAsync_HubUnreachable_PassingFailure()
    {
        var endpoint = _hub.Endpoint;
        await _hub.DisposeAsync();
        var reader = new ModelConfigReader(_http, endpoint, _time);

        var read = await reader.ReadHubAsync("Qwen/Qwen2.5-7B-Instruct", "main", null, CancellationToken.None);

        Assert.Null(read.Architecture);
        Assert.False(read.Definitive);
        Assert.Equal(PlanReasons.ModelConfigUnreadable, read.Reason);
    }

    [Fact]
    public async Task ReadHubAsync_SameModelAgain_ServedFromCacheUntilItExpires()
    {
        await _reader.ReadHubAsync("Qwen/Qwen2.5-7B-Instruct", "main", null, CancellationToken.None);
        var afterFirst = _hub.Requests.Count;
        await _reader.ReadHubAsync("Qwen/Qwen2.5-7B-Instruct", "main", null, CancellationToken.None);
        var afterSecond = _hub.Requests.Count;
        _time.Advance(TimeSpan.FromHours(2));
        await _reader.ReadHubAsync("Qwen/Qwen2.5-7B-Instruct", "main", null, CancellationToken.None);

        Assert.Equal(afterFirst, afterSecond);
        Assert.True(_hub.Requests.Count > afterSecond);
    }

    // A model read from the Hub is planned the same way as its catalog entry: the same KV bytes per token, weights
    // within 1% (the index total against the catalog's parameter count) and the same context.
    [Theory]
    [InlineData("Qwen/Qwen2.5-7B-Instruct", "rtx-6000-ada")]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", "rtx-6000-ada")]
    public async Task Plan_HubModelAlsoInCatalog_SamePlanAsCatalog(string id, string gpuClass)
    {
        var token = id.StartsWith("meta-llama/", StringComparison.Ordinal) ? "hf_double_llama_access" : null;
        var architecture = (await _reader.ReadHubAsync(id, "main", token, CancellationToken.None)).Architecture!;
        var card = GpuCard.ForClass(gpuClass)!;
        var request = new PlanRequest(card.GpuClass, card.MemoryMiB, 1, ModelPurposes.General, id, null, 0.9, 1, null);

        var fromHub = VramPlanner.PlanArchitecture(id, null, architecture, request);
        var fromCatalog = VramPlanner.Plan(request);

        Assert.Equal(fromCatalog.Outcome, fromHub.Outcome);
        Assert.Equal(fromCatalog.MaxContext, fromHub.MaxContext);
        Assert.Equal(fromCatalog.WeightsGiB, fromHub.WeightsGiB, fromCatalog.WeightsGiB * 0.01);
        Assert.Equal(architecture.Source, fromHub.Source);
    }

    [Theory]
    [InlineData("mistralai/Mistral-7B-Instruct-v0.3", "rtx-2000-ada", PlanOutcome.DoesNotFit, 0)]
    [InlineData("mistralai/Mistral-7B-Instruct-v0.3", "rtx-6000-ada", PlanOutcome.Fits, 32_768)]
    [InlineData("Qwen/Qwen2.5-0.5B-Instruct", "rtx-2000-ada", PlanOutcome.Fits, 32_768)]
    public async Task Plan_ModelOutsideCatalog_PlannedFromConfig(string id, string gpuClass, PlanOutcome outcome, int context)
    {
        var architecture = (await _reader.ReadHubAsync(id, "main", null, CancellationToken.None)).Architecture!;
        var card = GpuCard.ForClass(gpuClass)!;

        var plan = VramPlanner.Plan(new PlanRequest(card.GpuClass, card.MemoryMiB, 1, ModelPurposes.General, id, null, 0.9, 1, null, architecture));

        Assert.Null(ModelCatalog.Find(id));
        Assert.Equal(outcome, plan.Outcome);
        Assert.Equal(context, plan.MaxContext);
        Assert.Equal($"huggingface:{id}@main", plan.ToModelFit().Source);
    }

    [Theory]
    [InlineData("""{"hidden_size": 4096}""", "num_hidden_layers")]
    [InlineData("""{"num_hidden_layers": 61, "hidden_size": 7168, "kv_lora_rank": 512}""", "kv_lora_rank")]
    public void Parse_ConfigWithoutNeededFigures_FormatException(string config, string names)
    {
        var ex = Assert.Throws<FormatException>(() => ModelConfigParser.Parse(config, 1, "test"));

        Assert.Contains(names, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_QuantizationConfig_CheckpointFormat()
    {
        const string Awq = """
            {"num_hidden_layers": 48, "hidden_size": 5120, "num_attention_heads": 40, "num_key_value_heads": 8,
             "intermediate_size": 13824, "vocab_size": 152064, "max_position_embeddings": 32768, "torch_dtype": "float16",
             "quantization_config": {"bits": 4, "group_size": 128, "modules_to_not_convert": null, "quant_method": "awq", "version": "gemm", "zero_point": true}}
            """;

        var architecture = ModelConfigParser.Parse(Awq, 9_990_000_000, "test");

        Assert.Equal(Quantizations.Awq, architecture.Quantization);
        Assert.Equal(9_990_000_000, architecture.ResidentWeightBytes(Quantizations.Awq));
    }
}
