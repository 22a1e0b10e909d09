using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>Compiled saturation thresholds, read against each vLLM backend's /metrics and the router's own accounting.</summary>
public sealed class SaturationThresholds
{
    /// <summary>Skip a backend whose vllm:kv_cache_usage_perc is at or above this percent.</summary>
    [JsonPropertyName("kvCacheUsagePercent")]
    public int KvCacheUsagePercent { get; set; } = 90;

    /// <summary>Skip a backend with at least this many requests waiting.</summary>
    [JsonPropertyName("maxRequestsWaiting")]
    public int MaxRequestsWaiting { get; set; } = 8;

    /// <summary>Skip a backend when the router's estimate of the requests on it reaches this; 0 turns it off.</summary>
    [JsonPropertyName("maxRequestsPerBackend")]
    public int MaxRequestsPerBackend { get; set; }

    /// <summary>Time-to-first-token objectives per tier.</summary>
    [JsonPropertyName("ttftObjectives")]
    public List<TtftObjective> TtftObjectives { get; set; } = [];
}
