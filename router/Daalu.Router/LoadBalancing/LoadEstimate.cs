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
    /// <summary>
    /// Of <see cref="InFlight"/>, the calls that have had their first token (streamed calls past their prefill),
    /// counted by first tokens in and calls out, so an ended call that never streamed may be counted off a streaming
    /// one: with no streamed calls it is 0 and the pick load is the request count as before.
    /// </summary>
    public int Answering { get; init; }

    /// <summary>
    /// Prompt tokens of this router's calls on the backend still awaiting their prefill (no first token yet), less what
    /// its prefix cache likely held for each (<see cref="LoadTracker"/>): the work a new call's first token waits behind.
    /// </summary>
    public long PrefillBacklogTokens { get; init; }

    /// <summary>Prompt tokens the backend prefills per millisecond, learned from first tokens (an estimate, see <see cref="PrefillRateRule"/>); null until learned.</summary>
    public double? PrefillTokensPerMs { get; init; }

    /// <summary>What this router sent to the backend per conversation (null for a view not taken from a tracker).</summary>
    public PrefixIndex? Index { get; init; }

    /// <summary>
    /// The load the picker balances on: the estimated requests with a call already answering counted at
    /// <see cref="AnsweringWeight"/>: a new call's first token waits for the prefills ahead of it, and only a little for
    /// the replies being decoded beside it (one decode step).
    /// </summary>
    public double PickLoad => EstimatedRequests - ((1 - AnsweringWeight) * Math.Min(Answering, EstimatedRequests));

    /// <summary>
    /// What an answering call weighs against one waiting for its first token. Half, measured on the workload
    /// benchmark (ChatBurst p99 at 60/80/100 % load: 2,335 / 3,657 / 5,149 ms counting every call as 1; 2,287 / 3,438 /
    /// 4,054 at 0.5; 2,211 / 3,440 / 4,179 at 0.25, where MixedDay at 80 % lost 0.3 s; Agent within 40 ms throughout).
    /// </summary>
    public const double AnsweringWeight = 0.5;

    /// <summary>A backend nothing was sent to and nothing was polled from.</summary>
    public static LoadEstimate Idle(DateTimeOffset now) => new(now, 0, 0, 0, null, null, []);
}
