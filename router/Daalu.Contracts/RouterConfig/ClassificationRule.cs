using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>A compiled rule that assigns a request class from the key's tenant or the requested model.</summary>
public sealed class ClassificationRule
{
    /// <summary>Tenant the rule matches.</summary>
    [JsonPropertyName("tenant")]
    public string? Tenant { get; set; }

    /// <summary>Requested model (exact, or a prefix ending in *).</summary>
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>The request class to assign.</summary>
    [JsonPropertyName("requestClass")]
    public string RequestClass { get; set; } = RequestClasses.Chat;
}
