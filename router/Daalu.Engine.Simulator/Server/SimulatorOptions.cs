using Daalu.Engine.Simulator.Timing;

namespace Daalu.Engine.Simulator.Server;

/// <summary>One simulated engine: like one `vllm serve` process (one model, one card).</summary>
public sealed class SimulatorOptions
{
    /// <summary>vLLM's --served-model-name (the id clients send); defaults to the model id.</summary>
    public string? ServedModelName { get; init; }

    /// <summary>vLLM's --model (reported as root in /v1/models).</summary>
    public string Model { get; init; } = ModelSpec.Qwen7BAwq.DefaultModelId;

    /// <summary>generate (chat, completions) or embed (vLLM's --task embed / pooling runner: /v1/embeddings only).</summary>
    public string Task { get; init; } = SimulatorTasks.Generate;

    /// <summary>Timing and capacity.</summary>
    public required EngineProfile Profile { get; init; }

    /// <summary>Multiplies every modelled duration (1 = real time, 0 = no waiting).</summary>
    public double TimeScale { get; init; } = 1.0;

    /// <summary>vLLM's --api-key: when set, /v1 routes want this bearer key.</summary>
    public string? ApiKey { get; init; }

    /// <summary>owned_by in /v1/models ("vllm" for vLLM).</summary>
    public string OwnedBy { get; init; } = "vllm";

    /// <summary>Dimension of embeddings (1,024 for BAAI/bge-m3).</summary>
    public int EmbeddingDimensions { get; init; } = 1024;

    /// <summary>The id clients use.</summary>
    public string Name => ServedModelName ?? Model;
}
