using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Daalu.Api.Schema;
using Daalu.Contracts;

namespace Daalu.Api.V1Alpha1;

/// <summary>
/// A time-to-first-token objective for one tier: when a backend's observed p95 TTFT over the last window exceeds it,
/// the backend counts as saturated and calls escalate to its peers or the next tier. A window with fewer than
/// <see cref="MinSamples"/> answers is not judged, so an escalated backend is tried again once its window has emptied.
/// </summary>
public sealed class TtftObjective
{
    /// <summary>The tier the objective applies to.</summary>
    [Required]
    [EnumValues(TierNames.OwnGpu, TierNames.Hosted)]
    [JsonPropertyName("tier")]
    public string Tier { get; set; } = TierNames.OwnGpu;

    /// <summary>The p95 time to first token the tier must keep, in milliseconds.</summary>
    [Range(1, 600000)]
    [Schema(DefaultJson = "500")]
    [JsonPropertyName("p95Ms")]
    public int P95Ms { get; set; } = 500;

    /// <summary>The window the p95 is observed over, in seconds.</summary>
    [Range(1, 600)]
    [Schema(DefaultJson = "30")]
    [JsonPropertyName("windowSeconds")]
    public int WindowSeconds { get; set; } = 30;

    /// <summary>Answers needed in the window before it is judged.</summary>
    [Range(1, 10000)]
    [Schema(DefaultJson = "20")]
    [JsonPropertyName("minSamples")]
    public int MinSamples { get; set; } = 20;
}
