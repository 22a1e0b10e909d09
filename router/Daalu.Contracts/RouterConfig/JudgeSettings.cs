using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>
/// Compiled judge settings (from RoutingPolicy spec.judge, present only when enabled): the own-GPU model the router
/// asks to rate a prompt 1-3 when the learned stage is unsure, and to score a sample of answers 1-5 in the background.
/// </summary>
public sealed class JudgeSettings
{
    /// <summary>Ask the judge.</summary>
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; }

    /// <summary>The judge model, as served by an OwnGpu backend of the requesting tenant.</summary>
    [JsonPropertyName("model")]
    public string Model { get; set; } = string.Empty;

    /// <summary>Ask when the learned stage's confidence is below this percent.</summary>
    [JsonPropertyName("confidenceBelowPercent")]
    public int ConfidenceBelowPercent { get; set; } = 60;

    /// <summary>Longest wait for the judge's rating, in milliseconds.</summary>
    [JsonPropertyName("timeoutMs")]
    public int TimeoutMs { get; set; } = 200;

    /// <summary>Percent of OwnGpu and Hosted answers scored in the background; 0 turns the watch off.</summary>
    [JsonPropertyName("qualitySamplePercent")]
    public double QualitySamplePercent { get; set; } = 1;
}
