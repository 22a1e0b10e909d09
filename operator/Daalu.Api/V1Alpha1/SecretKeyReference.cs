using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Daalu.Api.V1Alpha1;

/// <summary>A key of a Secret in the resource's own namespace. The value is never copied into status, logs or ConfigMaps.</summary>
public sealed class SecretKeyReference
{
    /// <summary>Name of the Secret.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Key within the Secret's data.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    [JsonPropertyName("key")]
    public string Key { get; set; } = string.Empty;
}
