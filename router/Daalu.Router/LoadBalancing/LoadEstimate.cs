namespace Daalu.Router.LoadBalancing;

/// <summary>The router's real-time view of one backend: its own accounting corrected by the last polled vLLM gauges.</summary>
/// <param name="Now">When the estimate was taken.</param>
/// <param name="InFlight">Calls this router has in flight to the backend.</param>
/// <param name="InFlightTokens">Tokens those calls may hold in its KV cache (prompt + expected output).</param>
/// <param name="EstimatedRequests">Requests on the backend: polled running + waiting, plus this router's calls started since the poll, minus those ended; at least <paramref name="InFlight"/>.</param>
/// <param name="EstimatedWaiting">Requests waiting: polled waiting, plus this router's calls started since the poll, minus its first tokens since (or its ended calls, when more), while the queue was not empty; null before a poll.</param>
/// <param name="EstimatedKvCacheUsage">KV cache use 0..1: polled use plus this router's tokens since the poll at the learned cost per token; null before a poll.</param>
/// <param name="Ttft">Recent times to first token, oldest first.</param>
public sealed record LoadEstimate(DateTimeOffset Now, int InFlight, long InFlightTokens, double EstimatedRequests, double? EstimatedWaiting, double? EstimatedKvCacheUsage, IReadOnlyList<TtftSample> Ttft)
{
    /// <summary>A backend nothing was sent to and nothing was polled from.</summary>
    public static LoadEstimate Idle(DateTimeOffset now) => new(now, 0, 0, 0, null, null, []);
}
