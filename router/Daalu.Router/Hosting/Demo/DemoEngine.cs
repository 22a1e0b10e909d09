using Daalu.Engine.Simulator.Timing;

namespace Daalu.Router.Hosting.Demo;

/// <summary>One simulated vLLM engine of the demo and where it sits in the cascade.</summary>
/// <param name="Name">Backend name in the router configuration.</param>
/// <param name="Tenant">Owning tenant (its own GPU, or the provider that shares the card with the pool).</param>
/// <param name="Shared">Serves the hosted pool.</param>
/// <param name="Purpose">general or coding.</param>
/// <param name="ServedName">The model id clients see.</param>
/// <param name="Spec">Model architecture and weights.</param>
/// <param name="Gpu">The card.</param>
/// <param name="GpuMemoryUtilization">The engine's share of the card (two engines on one card take 0.45 each).</param>
/// <param name="MaxNumSeqs">vLLM's --max-num-seqs.</param>
/// <param name="Embedding">Served as an embedding model (vLLM --task embed).</param>
public sealed record DemoEngine(string Name, string Tenant, bool Shared, string Purpose, string ServedName, ModelSpec Spec, GpuClass Gpu,
    double GpuMemoryUtilization, int MaxNumSeqs, bool Embedding = false);
