using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Daalu.Api.Schema;

namespace Daalu.Api.V1Alpha1;

/// <summary>
/// The policy's judge: a small model on the tenant's own GPU that the router asks, in one output token at temperature
/// 0, to rate a prompt's difficulty 1-3 when the learned stage is unsure, and, in the background, to score a sample of
/// the answers served on OwnGpu and Hosted 1-5 (the quality drift watch). Off unless enabled. Its calls are not billed
/// to the tenant's quota; they are counted in the router's metrics.
/// </summary>
[CelRule("!has(self.enabled) || !self.enabled || (has(self.model) && self.model.size() > 0)", "an enabled judge names its model", FieldPath = ".model")]
public sealed class JudgeSettings
{
    /// <summary>Ask the judge. Off by default.</summary>
    [Schema(DefaultJson = "false")]
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; }

    /// <summary>
    /// The judge model, as served by an OwnGpu backend of the requesting tenant (its /v1/models id); the smallest model
    /// the tenant serves is the usual choice. A tenant with no such backend is not judged.
    /// </summary>
    [MaxLength(256)]
    [JsonPropertyName("model")]
    public string Model { get; set; } = string.Empty;

    /// <summary>Ask the judge when the learned stage decided with a confidence (top class probability) below this percent.</summary>
    [Range(1, 100)]
    [Schema(DefaultJson = "60")]
    [JsonPropertyName("confidenceBelowPercent")]
    public int ConfidenceBelowPercent { get; set; } = 60;

    /// <summary>Longest wait for the judge's rating, in milliseconds; past it the learned rating stands.</summary>
    [Range(10, 5000)]
    [Schema(DefaultJson = "200")]
    [JsonPropertyName("timeoutMs")]
    public int TimeoutMs { get; set; } = 200;

    /// <summary>Percent of the answers served on OwnGpu and Hosted that the judge scores 1-5 in the background; 0 turns the watch off.</summary>
    [Range(0, 100)]
    [Schema(DefaultJson = "1")]
    [JsonPropertyName("qualitySamplePercent")]
    public double QualitySamplePercent { get; set; } = 1;
}
