using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Daalu.Api.V1Alpha1;

/// <summary>Requests of the vLLM container that override the ones the operator derives from the model size.</summary>
public sealed class PodResources
{
    /// <summary>The quantity syntax of Kubernetes (apimachinery resource.Quantity), e.g. 4, 500m, 32Gi.</summary>
    public const string QuantityPattern = "^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][0-9]+)?$";

    /// <summary>CPU request, e.g. 4 or 3500m.</summary>
    [MaxLength(32)]
    [RegularExpression(QuantityPattern)]
    [JsonPropertyName("cpu")]
    public string? Cpu { get; set; }

    /// <summary>Memory request, e.g. 48Gi.</summary>
    [MaxLength(32)]
    [RegularExpression(QuantityPattern)]
    [JsonPropertyName("memory")]
    public string? Memory { get; set; }

    /// <summary>Memory limit; omitted means none (a model load briefly needs more host memory than it keeps).</summary>
    [MaxLength(32)]
    [RegularExpression(QuantityPattern)]
    [JsonPropertyName("memoryLimit")]
    public string? MemoryLimit { get; set; }

    /// <summary>Ephemeral-storage request (container layer, logs, and the cache when it is an emptyDir).</summary>
    [MaxLength(32)]
    [RegularExpression(QuantityPattern)]
    [JsonPropertyName("ephemeralStorage")]
    public string? EphemeralStorage { get; set; }
}
