namespace Daalu.Engine.Simulator.Server;

/// <summary>What a simulated engine serves (vLLM's --task / runner).</summary>
public static class SimulatorTasks
{
    /// <summary>Text generation: /v1/chat/completions and /v1/completions.</summary>
    public const string Generate = "generate";

    /// <summary>Embeddings (pooling runner): /v1/embeddings only.</summary>
    public const string Embed = "embed";
}
