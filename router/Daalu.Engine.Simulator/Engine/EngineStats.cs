namespace Daalu.Engine.Simulator.Engine;

/// <summary>
/// The engine's counters and histograms under vLLM's metric names (vllm/v1/metrics/loggers.py). Histogram bounds
/// follow vLLM's: TTFT 1 ms .. 2,560 s, inter-token latency 10 ms .. 80 s, request latencies 0.3 s .. 7,680 s,
/// token counts in 1-2-5 steps up to max_model_len.
/// </summary>
public sealed class EngineStats
{
    private readonly Dictionary<string, long> _success = new(StringComparer.Ordinal) { ["stop"] = 0, ["length"] = 0, ["abort"] = 0 };

    private static readonly double[] RequestBounds = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

    /// <summary>vllm:prompt_tokens_total.</summary>
    public long PromptTokens { get; internal set; }

    /// <summary>vllm:generation_tokens_total.</summary>
    public long GenerationTokens { get; internal set; }

    /// <summary>vllm:num_preemptions_total.</summary>
    public long Preemptions { get; internal set; }

    /// <summary>vllm:prefix_cache_queries_total (tokens looked up).</summary>
    public long PrefixCacheQueries { get; internal set; }

    /// <summary>vllm:prefix_cache_hits_total (tokens found).</summary>
    public long PrefixCacheHits { get; internal set; }

    /// <summary>vllm:request_success_total by finished_reason.</summary>
    public IReadOnlyDictionary<string, long> Success => _success;

    /// <summary>vllm:time_to_first_token_seconds.</summary>
    public Histogram TimeToFirstToken { get; } = new("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.",
        [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0]);

    /// <summary>vllm:inter_token_latency_seconds.</summary>
    public Histogram InterTokenLatency { get; } = new("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.",
        [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0]);

    /// <summary>vllm:e2e_request_latency_seconds.</summary>
    public Histogram EndToEnd { get; } = new("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", RequestBounds);

    /// <summary>vllm:request_queue_time_seconds.</summary>
    public Histogram QueueTime { get; } = new("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", RequestBounds);

    /// <summary>vllm:request_prompt_tokens.</summary>
    public Histogram RequestPromptTokens { get; } = new("vllm:request_prompt_tokens", "Number of prefill tokens processed.", Histogram.OneTwoFive(32768));

    /// <summary>vllm:request_generation_tokens.</summary>
    public Histogram RequestGenerationTokens { get; } = new("vllm:request_generation_tokens", "Number of generation tokens processed.", Histogram.OneTwoFive(32768));

    internal void Finished(SimSequence seq)
    {
        _success[seq.FinishReason ?? "stop"] = _success.GetValueOrDefault(seq.FinishReason ?? "stop") + 1;
        EndToEnd.Observe(((seq.Finished ?? seq.Arrival) - seq.Arrival).TotalSeconds);
        RequestPromptTokens.Observe(seq.PromptTokens.Count);
        RequestGenerationTokens.Observe(seq.Generated);
    }

    internal void Aborted() => _success["abort"]++;
}
