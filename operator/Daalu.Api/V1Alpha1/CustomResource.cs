using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Daalu.Api.V1Alpha1;

/// <summary>The shape every Daalu kind shares: type metadata, object metadata, spec and status.</summary>
/// <typeparam name="TSpec">The desired state.</typeparam>
/// <typeparam name="TStatus">The observed state, written only by the operator.</typeparam>
public abstract class CustomResource<TSpec, TStatus> : IKubernetesObject<V1ObjectMeta>, ISpec<TSpec>
    where TSpec : new()
    where TStatus : class
{
    /// <summary>APIVersion defines the versioned schema of this representation of an object.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;

    /// <summary>Kind is a string value representing the REST resource this object represents.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The desired state.</summary>
    [JsonPropertyName("spec")]
    public TSpec Spec { get; set; } = new();

    /// <summary>The observed state, written by the operator through the status subresource.</summary>
    [JsonPropertyName("status")]
    public TStatus? Status { get; set; }
}
