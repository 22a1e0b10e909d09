using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>A compiled time-to-first-token objective for one tier.</summary>
public sealed class TtftObjective
{
    /// <summary>The tier the objective applies to.</summary>
    [JsonPropertyName("tier")]
    public string Tier { get; set; } = TierNames.OwnGpu;

    /// <summary>The p95 time to first token the tier must keep, in milliseconds.</summary>
    [JsonPropertyName("p95Ms")]
    public int P95Ms { get; set; } = 500;

    /// <summary>The window the p95 is observed over, in seconds.</summary>
    [JsonPropertyName("windowSeconds")]
    public int WindowSeconds { get; set; } = 30;

    /// <summary>Answers needed in the window before it is judged.</summary>
    [JsonPropertyName("minSamples")]
    public int MinSamples { get; set; } = 20;
}
