namespace Daalu.Router.Planning;

/// <summary>What the planner knows about one backend or provider at planning time (a copy, not live state).</summary>
/// <param name="Name">Backend or provider name.</param>
/// <param name="Circuit">Circuit breaker state.</param>
/// <param name="DetectedModels">Models from its last successful /v1/models poll; null when never polled successfully.</param>
/// <param name="KvCacheUsage">vllm:kv_cache_usage_perc (0..1), null when unknown.</param>
/// <param name="RequestsWaiting">vllm:num_requests_waiting, null when unknown.</param>
/// <param name="InFlight">Calls this router has in flight to it.</param>
/// <param name="Reachable">Whether its last probe answered; null before the first probe.</param>
/// <param name="Load">The router's real-time view of its load; null when not tracked (then the polled gauges alone count).</param>
public sealed record BackendView(string Name, CircuitState Circuit, IReadOnlyList<string>? DetectedModels, double? KvCacheUsage, double? RequestsWaiting, int InFlight, bool? Reachable = null, LoadBalancing.LoadEstimate? Load = null)
{
    /// <summary>A backend nothing is known about yet.</summary>
    public static BackendView Unknown(string name) => new(name, CircuitState.Closed, null, null, null, 0);
}
