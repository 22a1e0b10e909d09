using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>A tenant as the router sees it (compiled from TenantQuota and GpuNode ownership).</summary>
public sealed class TenantConfig
{
    /// <summary>Tenant name, unique.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>May read every tenant's usage.</summary>
    [JsonPropertyName("admin")]
    public bool Admin { get; set; }

    /// <summary>The tenant's API keys (at least one).</summary>
    [JsonPropertyName("keys")]
    public List<SecretSource> Keys { get; set; } = [];

    /// <summary>Hosted-pool plan; null means the tenant is not enrolled in the hosted pool.</summary>
    [JsonPropertyName("plan")]
    public TenantPlanConfig? Plan { get; set; }

    /// <summary>Name of the policy to apply; empty picks the policy that lists the tenant, else the default policy.</summary>
    [JsonPropertyName("policy")]
    public string? Policy { get; set; }

    /// <summary>
    /// The tenant's role (Owner, Provider, Consumer, None) as the operator derives it from the tenant's GpuNodes and
    /// enrolment, so the router's console and usage report show the role TenantQuota status shows. Absent in a
    /// hand-written file: the router then derives it from the file's own-GPU backends.
    /// </summary>
    [JsonPropertyName("role")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Role { get; set; }
}
