using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Daalu.Api.Schema;

namespace Daalu.Api.V1Alpha1;

/// <summary>
/// The model cache (HF_HOME and the engine's compile caches). A PersistentVolumeClaim keeps downloaded weights across
/// pod replacements (restarts, rollouts, node drains); an emptyDir loses them with the pod.
/// </summary>
public sealed class ModelCache
{
    /// <summary>pvc (default for Hugging Face weights) or emptyDir (default for weights pre-staged on a PVC or host path).</summary>
    [EnumValues(ModelCacheTypes.Pvc, ModelCacheTypes.EmptyDir)]
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>StorageClass of the claim; omitted uses the cluster's default StorageClass.</summary>
    [MaxLength(253)]
    [JsonPropertyName("storageClassName")]
    public string? StorageClassName { get; set; }

    /// <summary>Size of the claim, e.g. 100Gi; omitted: derived from the model's size when the claim is made.</summary>
    [MaxLength(32)]
    [RegularExpression(PodResources.QuantityPattern)]
    [JsonPropertyName("size")]
    public string? Size { get; set; }
}
