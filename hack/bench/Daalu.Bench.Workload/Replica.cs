using Daalu.Engine.Simulator.Engine;
using Daalu.Router.LoadBalancing;

namespace Daalu.Bench.Workload;

/// <summary>One simulated vLLM replica and the router's state about it.</summary>
internal sealed class Replica(string name, string tier, EngineCore core, LoadTracker tracker)
{
    public string Name { get; } = name;
    public string Tier { get; } = tier;
    public EngineCore Core { get; } = core;
    public LoadTracker Tracker { get; } = tracker;
    public int InFlight { get; set; }
    public double? PolledKv { get; set; }
    public double? PolledWaiting { get; set; }
    public bool Stepping { get; set; }
}
