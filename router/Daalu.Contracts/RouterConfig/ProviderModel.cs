using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>A compiled model of an external provider.</summary>
public sealed class ProviderModel
{
    /// <summary>The provider's model id.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Requested model names or aliases that may map to this model.</summary>
    [JsonPropertyName("serves")]
    public List<string> Serves { get; set; } = [];

    /// <summary>Price per million input tokens.</summary>
    [JsonPropertyName("inputPricePerMTok")]
    public decimal InputPricePerMTok { get; set; }

    /// <summary>Price per million output tokens.</summary>
    [JsonPropertyName("outputPricePerMTok")]
    public decimal OutputPricePerMTok { get; set; }

    /// <summary>Accepts image content parts.</summary>
    [JsonPropertyName("supportsImages")]
    public bool SupportsImages { get; set; } = true;

    /// <summary>An embedding model: serves /v1/embeddings only.</summary>
    [JsonPropertyName("embeddings")]
    public bool Embeddings { get; set; }
}
