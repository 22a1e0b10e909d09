namespace Daalu.Bench.Workload;

/// <summary>The pickers compared.</summary>
internal enum Policy
{
    /// <summary>nginx's default upstream balancing: the own replicas in turn, no tiers (the control).</summary>
    RoundRobin,

    /// <summary>The router before this change: saturation from /metrics polled every 5 s, two random choices by in-flight count.</summary>
    LeastInFlight,

    /// <summary>The real-time load view, saturation and TTFT objective judged on it, prefix affinity traded against load.</summary>
    LoadAndPrefix,
}
