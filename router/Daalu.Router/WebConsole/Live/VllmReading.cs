using Daalu.Router.WebConsole.Metrics;

namespace Daalu.Router.WebConsole.Live;

/// <summary>
/// Reads vLLM's /metrics (shared/VLLM.md: vllm:kv_cache_usage_perc, or the older vllm:gpu_cache_usage_perc;
/// vllm:num_requests_running / _waiting; vllm:prompt_tokens_total, vllm:generation_tokens_total; the
/// vllm:time_to_first_token_seconds histogram) and derives rates between two scrapes, as pure functions.
/// </summary>
internal static class VllmReading
{
    public static VllmCounters Read(IEnumerable<PromSample> samples, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(samples);
        double? kv = null, legacyKv = null, running = null, waiting = null, prompt = null, gen = null, ttftSum = null, ttftCount = null;
        foreach (var s in samples)
        {
            switch (s.Name)
            {
                case "vllm:kv_cache_usage_perc": kv = Math.Max(kv ?? 0, s.Value); break;
                case "vllm:gpu_cache_usage_perc": legacyKv = Math.Max(legacyKv ?? 0, s.Value); break;
                case "vllm:num_requests_running": running = (running ?? 0) + s.Value; break;
                case "vllm:num_requests_waiting": waiting = (waiting ?? 0) + s.Value; break;
                case "vllm:prompt_tokens_total": prompt = (prompt ?? 0) + s.Value; break;
                case "vllm:generation_tokens_total": gen = (gen ?? 0) + s.Value; break;
                case "vllm:time_to_first_token_seconds_sum": ttftSum = (ttftSum ?? 0) + s.Value; break;
                case "vllm:time_to_first_token_seconds_count": ttftCount = (ttftCount ?? 0) + s.Value; break;
            }
        }

        return new VllmCounters(at, kv ?? legacyKv, running, waiting, prompt, gen, ttftSum, ttftCount);
    }

    /// <summary>Generated tokens per second between two scrapes; null without a previous scrape, or after a counter reset.</summary>
    public static double? TokensPerSecond(VllmCounters? previous, VllmCounters current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (previous?.GenerationTokens is not { } before || current.GenerationTokens is not { } now)
        {
            return null;
        }

        var seconds = (current.At - previous.At).TotalSeconds;
        return seconds <= 0 || now < before ? null : (now - before) / seconds;
    }

    /// <summary>
    /// Mean time to first token in seconds: over the requests finished since the previous scrape when there were any,
    /// else over the engine's lifetime; null when the engine has finished none.
    /// </summary>
    public static double? MeanTtftSeconds(VllmCounters? previous, VllmCounters current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.TtftSum is not { } sum || current.TtftCount is not { } count || count <= 0)
        {
            return null;
        }

        if (previous is { TtftSum: { } sumBefore, TtftCount: { } countBefore } && count > countBefore && sum >= sumBefore)
        {
            return (sum - sumBefore) / (count - countBefore);
        }

        return sum / count;
    }
}
