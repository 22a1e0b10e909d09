using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Daalu.Api.Schema;

namespace Daalu.Api.V1Alpha1;

/// <summary>One aspect of the current state, following the Kubernetes API conventions for conditions.</summary>
public sealed class Condition
{
    /// <summary>Type of condition in CamelCase, e.g. Ready, ModelDoesNotFit.</summary>
    [Required]
    [MaxLength(316)]
    [JsonPropertyName("type")]
    public string Type { get; set; } = string.Empty;

    /// <summary>Status of the condition: True, False or Unknown.</summary>
    [Required]
    [EnumValues("True", "False", "Unknown")]
    [JsonPropertyName("status")]
    public string Status { get; set; } = ConditionStatus.Unknown;

    /// <summary>A programmatic identifier in CamelCase for the reason of the last transition.</summary>
    [Required]
    [MaxLength(1024)]
    [JsonPropertyName("reason")]
    public string Reason { get; set; } = string.Empty;

    /// <summary>A human-readable message with details about the transition.</summary>
    [MaxLength(32768)]
    [JsonPropertyName("message")]
    public string Message { get; set; } = string.Empty;

    /// <summary>The .metadata.generation the condition was set from.</summary>
    [Range(0, long.MaxValue)]
    [JsonPropertyName("observedGeneration")]
    public long ObservedGeneration { get; set; }

    /// <summary>The last time the condition changed from one status to another.</summary>
    [Required]
    [Schema(Format = "date-time")]
    [JsonPropertyName("lastTransitionTime")]
    public DateTimeOffset LastTransitionTime { get; set; }
}
