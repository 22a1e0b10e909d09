namespace Daalu.Router.WebConsole.Live;

/// <summary>
/// What one vLLM /metrics scrape says (names from shared/VLLM.md, after vLLM's docs/usage/metrics.md): gauges summed
/// over engines and models (max for the KV-cache fraction), counters and the TTFT histogram's sum and count.
/// </summary>
internal sealed record VllmCounters(
    DateTimeOffset At,
    double? KvCacheUsage,
    double? Running,
    double? Waiting,
    double? PromptTokens,
    double? GenerationTokens,
    double? TtftSum,
    double? TtftCount);
