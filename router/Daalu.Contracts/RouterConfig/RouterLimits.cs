using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>Request limits and backend probing.</summary>
public sealed class RouterLimits
{
    /// <summary>Largest accepted request body in bytes; larger bodies get 413.</summary>
    [JsonPropertyName("maxRequestBodyBytes")]
    public long MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Deepest accepted JSON nesting; deeper bodies get 400.</summary>
    [JsonPropertyName("maxJsonDepth")]
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>How often each backend's /v1/models and /metrics are polled, in milliseconds.</summary>
    [JsonPropertyName("probeIntervalMs")]
    public int ProbeIntervalMs { get; set; } = 5000;

    /// <summary>Timeout of one probe request, in milliseconds.</summary>
    [JsonPropertyName("probeTimeoutMs")]
    public int ProbeTimeoutMs { get; set; } = 2000;
}
