using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Daalu.Api.V1Alpha1;

/// <summary>A list of custom resources as returned by a list call.</summary>
/// <typeparam name="T">The kind.</typeparam>
public sealed class CustomResourceList<T> : IKubernetesObject<V1ListMeta>, IItems<T>
{
    /// <summary>APIVersion of the list.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;

    /// <summary>Kind of the list, e.g. GpuNodeList.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    /// <summary>List metadata: resourceVersion and continue token.</summary>
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    /// <summary>The objects.</summary>
    [JsonPropertyName("items")]
    public IList<T> Items { get; set; } = [];
}
