using Daalu.Engine.Simulator.Timing;

namespace Daalu.Router.Hosting.Demo;

/// <summary>What the demo's simulated dcgm-exporter reads of one card at a scrape.</summary>
/// <param name="Gpu">The card's class.</param>
/// <param name="Node">The node it sits in (dcgm-exporter's Hostname label).</param>
/// <param name="MemoryFraction">Sum of --gpu-memory-utilization of the engines on it.</param>
/// <param name="Running">Requests in the engines' batches now (vllm:num_requests_running summed).</param>
public sealed record DemoCard(GpuClass Gpu, string Node, double MemoryFraction, int Running);
