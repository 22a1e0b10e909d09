using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>A tenant's plan on the hosted pool (compiled from its TenantQuota).</summary>
public sealed class TenantPlanConfig
{
    /// <summary>Whether the tenant may use the hosted pool.</summary>
    [JsonPropertyName("enrolled")]
    public bool Enrolled { get; set; } = true;

    /// <summary>Monthly token budget on the hosted pool; 0 means none.</summary>
    [JsonPropertyName("monthlyTokenBudget")]
    public long MonthlyTokenBudget { get; set; }

    /// <summary>Tokens per minute; 0 means unlimited.</summary>
    [JsonPropertyName("tokensPerMinute")]
    public long TokensPerMinute { get; set; }

    /// <summary>Requests per minute; 0 means unlimited.</summary>
    [JsonPropertyName("requestsPerMinute")]
    public int RequestsPerMinute { get; set; }

    /// <summary>max_tokens reserved when a request sets none.</summary>
    [JsonPropertyName("defaultMaxTokens")]
    public int DefaultMaxTokens { get; set; } = 4096;

    /// <summary>Hosted price per million input tokens.</summary>
    [JsonPropertyName("inputPerMTok")]
    public decimal InputPerMTok { get; set; }

    /// <summary>Hosted price per million output tokens.</summary>
    [JsonPropertyName("outputPerMTok")]
    public decimal OutputPerMTok { get; set; }

    /// <summary>Commercial reference price per million input tokens (savings report).</summary>
    [JsonPropertyName("referenceInputPerMTok")]
    public decimal ReferenceInputPerMTok { get; set; }

    /// <summary>Commercial reference price per million output tokens (savings report).</summary>
    [JsonPropertyName("referenceOutputPerMTok")]
    public decimal ReferenceOutputPerMTok { get; set; }

    /// <summary>Meter but never refuse.</summary>
    [JsonPropertyName("shadowMode")]
    public bool ShadowMode { get; set; }
}
