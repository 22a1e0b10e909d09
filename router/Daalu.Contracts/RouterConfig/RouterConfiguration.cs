using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>
/// The compiled router configuration: what the operator writes into the router's ConfigMap (from GpuNode,
/// ModelServing, TenantQuota and RoutingPolicy) and what a standalone router reads from a local YAML or JSON file.
/// Secrets are never inlined by the operator: they are file paths (mounted Secrets) or environment variables.
/// </summary>
public sealed class RouterConfiguration
{
    /// <summary>Schema version of this document; 1.</summary>
    [JsonPropertyName("version")]
    public int Version { get; set; } = 1;

    /// <summary>Tenants, their API keys, hosted-pool plans and policies.</summary>
    [JsonPropertyName("tenants")]
    public List<TenantConfig> Tenants { get; set; } = [];

    /// <summary>OpenAI-compatible model servers (vLLM): own GPUs and the hosted pool.</summary>
    [JsonPropertyName("backends")]
    public List<BackendConfig> Backends { get; set; } = [];

    /// <summary>External commercial providers.</summary>
    [JsonPropertyName("providers")]
    public List<ProviderConfig> Providers { get; set; } = [];

    /// <summary>Routing policies; each applies to the tenants it names, or to every other tenant when it names none.</summary>
    [JsonPropertyName("policies")]
    public List<PolicyConfig> Policies { get; set; } = [];

    /// <summary>Request limits and probing.</summary>
    [JsonPropertyName("limits")]
    public RouterLimits Limits { get; set; } = new();
}
