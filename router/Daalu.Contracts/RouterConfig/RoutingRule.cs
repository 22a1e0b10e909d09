using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>A compiled rule that allows, denies or pins tiers for matching requests (from RoutingPolicy spec.rules).</summary>
public sealed class RoutingRule
{
    /// <summary>Optional name, for route explanations.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Request classes the rule matches; empty matches every class.</summary>
    [JsonPropertyName("requestClasses")]
    public List<string> RequestClasses { get; set; } = [];

    /// <summary>Requested model names (exact, or a prefix ending in *); empty matches every model.</summary>
    [JsonPropertyName("models")]
    public List<string> Models { get; set; } = [];

    /// <summary>One of <see cref="RuleActions"/>.</summary>
    [JsonPropertyName("action")]
    public string Action { get; set; } = RuleActions.Allow;

    /// <summary>The tiers the action applies to.</summary>
    [JsonPropertyName("tiers")]
    public List<string> Tiers { get; set; } = [];
}
