using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>Compiled per-backend circuit breaker settings.</summary>
public sealed class CircuitBreakerSettings
{
    /// <summary>Consecutive failures that open the circuit.</summary>
    [JsonPropertyName("consecutiveFailures")]
    public int ConsecutiveFailures { get; set; } = 3;

    /// <summary>Seconds the circuit stays open before one half-open probe.</summary>
    [JsonPropertyName("openSeconds")]
    public int OpenSeconds { get; set; } = 10;
}
