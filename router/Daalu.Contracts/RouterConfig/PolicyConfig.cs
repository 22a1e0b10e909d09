using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>A compiled RoutingPolicy: the cascade for the tenants it names (or for every other tenant when it names none).</summary>
public sealed class PolicyConfig
{
    /// <summary>Policy name, unique.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Tenants this policy applies to; empty makes it the default policy (at most one).</summary>
    [JsonPropertyName("tenants")]
    public List<string> Tenants { get; set; } = [];

    /// <summary>Enabled tiers in cascade order (OwnGpu, Hosted, External).</summary>
    [JsonPropertyName("tiers")]
    public List<string> Tiers { get; set; } = [TierNames.OwnGpu, TierNames.Hosted, TierNames.External];

    /// <summary>External providers usable by this policy, in order; empty means every configured provider.</summary>
    [JsonPropertyName("providers")]
    public List<string> Providers { get; set; } = [];

    /// <summary>Allow / deny / pin rules; the first matching rule wins.</summary>
    [JsonPropertyName("rules")]
    public List<RoutingRule> Rules { get; set; } = [];

    /// <summary>Request class from tenant or model when no X-Daalu-Request-Class header is sent; first match wins.</summary>
    [JsonPropertyName("classification")]
    public List<ClassificationRule> Classification { get; set; } = [];

    /// <summary>When a backend counts as saturated.</summary>
    [JsonPropertyName("saturation")]
    public SaturationThresholds Saturation { get; set; } = new();

    /// <summary>Per-attempt timeouts.</summary>
    [JsonPropertyName("timeouts")]
    public RoutingTimeouts Timeouts { get; set; } = new();

    /// <summary>Failures that fall through (before the first byte only); omitted means all of them.</summary>
    [JsonPropertyName("fallThroughOn")]
    public List<string>? FallThroughOn { get; set; }

    /// <summary>Per-backend circuit breaker.</summary>
    [JsonPropertyName("circuitBreaker")]
    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();

    /// <summary>Prefer the backend likely holding the prompt's prefix within a tier, traded against load.</summary>
    [JsonPropertyName("prefixAffinity")]
    public bool PrefixAffinity { get; set; } = true;

    /// <summary>Send complexity-3 non-coding prompts past the own-GPU tier.</summary>
    [JsonPropertyName("skipOwnGpuForHardPrompts")]
    public bool SkipOwnGpuForHardPrompts { get; set; }

    /// <summary>Content-based code detection: enforce (code-bearing content makes the request coding), report, off.</summary>
    [JsonPropertyName("codeDetection")]
    public string CodeDetection { get; set; } = CodeDetectionModes.Enforce;

    /// <summary>The judge for unsure difficulty ratings and the quality drift watch; null: none.</summary>
    [JsonPropertyName("judge")]
    public JudgeSettings? Judge { get; set; }
}
