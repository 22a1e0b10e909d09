using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Daalu.Api.Schema;
using Daalu.Contracts;
using k8s.Models;

namespace Daalu.Api.V1Alpha1;

/// <summary>
/// TenantQuota is a tenant's plan on the hosted GPU pool: the API key Secret, the monthly token budget,
/// per-minute limits and prices. Its status shows the tenant's derived role, usage by tier and request class,
/// spend, what the same calls would have cost on commercial models, and provider credits earned.
/// </summary>
[CustomResource("TenantQuota", "tenantquotas", ResourceScope.Namespaced, ShortNames = ["tq", "tquota"])]
[PrinterColumn(0, "Tenant", "string", ".spec.tenant")]
[PrinterColumn(1, "Role", "string", ".status.role")]
[PrinterColumn(2, "Used", "integer", ".status.tokensUsed")]
[PrinterColumn(3, "Quota", "integer", ".spec.monthlyTokenBudget")]
[PrinterColumn(4, "Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn(5, "Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason")]
[PrinterColumn(6, "Spend", "number", ".status.spend", Priority = 1)]
[PrinterColumn(7, "Savings%", "number", ".status.savingsPercent", Priority = 1)]
[PrinterColumn(8, "Age", "date", ".metadata.creationTimestamp")]
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = "TenantQuota", PluralName = "tenantquotas")]
public sealed class TenantQuota : CustomResource<TenantQuotaSpec, TenantQuotaStatus>
{
    /// <summary>Creates an empty TenantQuota with its kind set.</summary>
    public TenantQuota() => Kind = "TenantQuota";
}

/// <summary>The desired state of a TenantQuota.</summary>
[CelRule("!self.enrolled || (has(self.monthlyTokenBudget) && self.monthlyTokenBudget > 0) || self.shadowMode", "an enrolled tenant needs a monthlyTokenBudget above 0 (or shadowMode to measure without refusing)", FieldPath = ".monthlyTokenBudget")]
public sealed class TenantQuotaSpec
{
    /// <summary>The tenant this plan is for; matches GpuNode.spec.tenant.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(TenantNames.MaxLength)]
    [RegularExpression(TenantNames.Pattern)]
    [CelRule("self == oldSelf", "tenant is immutable")]
    [JsonPropertyName("tenant")]
    public string Tenant { get; set; } = string.Empty;

    /// <summary>Secret keys holding the tenant's bearer API keys (one key per entry, several to rotate).</summary>
    [Schema(MinItems = 1, MaxItems = 8)]
    [JsonPropertyName("apiKeySecretRefs")]
    public List<SecretKeyReference> ApiKeySecretRefs { get; set; } = [];

    /// <summary>Enrolled in the hosted pool; without enrolment the Hosted tier is never used for this tenant.</summary>
    [Schema(DefaultJson = "true")]
    [JsonPropertyName("enrolled")]
    public bool Enrolled { get; set; } = true;

    /// <summary>Hosted-pool tokens (in + out) per calendar month (UTC).</summary>
    [Range(0, long.MaxValue)]
    [JsonPropertyName("monthlyTokenBudget")]
    public long MonthlyTokenBudget { get; set; }

    /// <summary>Hosted-pool tokens per minute; 0 means no per-minute token limit.</summary>
    [Range(0, long.MaxValue)]
    [Schema(DefaultJson = "0")]
    [JsonPropertyName("tokensPerMinute")]
    public long TokensPerMinute { get; set; }

    /// <summary>Hosted-pool requests per minute; 0 means no per-minute request limit.</summary>
    [Range(0, int.MaxValue)]
    [Schema(DefaultJson = "0")]
    [JsonPropertyName("requestsPerMinute")]
    public int RequestsPerMinute { get; set; }

    /// <summary>Reservation for a request without max_tokens, in output tokens.</summary>
    [Range(1, 1048576)]
    [Schema(DefaultJson = "4096")]
    [JsonPropertyName("defaultMaxTokens")]
    public int DefaultMaxTokens { get; set; } = 4096;

    /// <summary>Hosted-pool prices.</summary>
    [Schema(DefaultJson = "{}")]
    [JsonPropertyName("prices")]
    public TokenPrices Prices { get; set; } = new();

    /// <summary>Commercial reference prices for the savings report.</summary>
    [Schema(DefaultJson = "{}")]
    [JsonPropertyName("commercialReference")]
    public TokenPrices CommercialReference { get; set; } = new();

    /// <summary>Measure against the quota without refusing anything.</summary>
    [Schema(DefaultJson = "false")]
    [JsonPropertyName("shadowMode")]
    public bool ShadowMode { get; set; }

    /// <summary>This tenant's keys may read every tenant's usage.</summary>
    [Schema(DefaultJson = "false")]
    [JsonPropertyName("admin")]
    public bool Admin { get; set; }
}

/// <summary>Prices per million tokens.</summary>
public sealed class TokenPrices
{
    /// <summary>Price per million input tokens.</summary>
    [Range(0, 1000000)]
    [Schema(DefaultJson = "0")]
    [JsonPropertyName("inputPerMTok")]
    public decimal InputPerMTok { get; set; }

    /// <summary>Price per million output tokens.</summary>
    [Range(0, 1000000)]
    [Schema(DefaultJson = "0")]
    [JsonPropertyName("outputPerMTok")]
    public decimal OutputPerMTok { get; set; }
}

/// <summary>The observed state of a TenantQuota.</summary>
public sealed class TenantQuotaStatus
{
    /// <summary>The .metadata.generation this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long ObservedGeneration { get; set; }

    /// <summary>Derived from the tenant's GpuNodes and enrolment: Owner, Provider, Consumer or None.</summary>
    [EnumValues(TenantRoles.Owner, TenantRoles.Provider, TenantRoles.Consumer, TenantRoles.None)]
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    /// <summary>The billing period, e.g. 2026-11 (calendar month, UTC).</summary>
    [JsonPropertyName("period")]
    public string? Period { get; set; }

    /// <summary>Hosted-pool tokens used this period.</summary>
    [JsonPropertyName("tokensUsed")]
    public long TokensUsed { get; set; }

    /// <summary>Hosted-pool tokens left this period.</summary>
    [JsonPropertyName("tokensRemaining")]
    public long TokensRemaining { get; set; }

    /// <summary>Spend this period.</summary>
    [JsonPropertyName("spend")]
    public decimal Spend { get; set; }

    /// <summary>What the same calls would have cost on commercial models.</summary>
    [JsonPropertyName("commercialEquivalent")]
    public decimal CommercialEquivalent { get; set; }

    /// <summary>Savings against commercial models, in percent.</summary>
    [JsonPropertyName("savingsPercent")]
    public decimal SavingsPercent { get; set; }

    /// <summary>
    /// The commercial SKU whose prices gave the commercial equivalent of calls metered without reference prices (own-GPU
    /// calls, a plan without prices), as the router's usage report names it; empty when no call needed it.
    /// </summary>
    [JsonPropertyName("commercialReferenceSku")]
    public string? CommercialReferenceSku { get; set; }

    /// <summary>Credits earned this period for calls served on this tenant's shared cards.</summary>
    [JsonPropertyName("providerCredits")]
    public decimal ProviderCredits { get; set; }

    /// <summary>Usage this period by tier and request class.</summary>
    [JsonPropertyName("usage")]
    public List<UsageLine> Usage { get; set; } = [];

    /// <summary>When usage was last read from the router.</summary>
    [Schema(Format = "date-time")]
    [JsonPropertyName("lastUpdated")]
    public DateTimeOffset? LastUpdated { get; set; }

    /// <summary>Ready, QuotaExceeded and other conditions.</summary>
    [Schema(ListType = "map", ListMapKeys = ["type"])]
    [JsonPropertyName("conditions")]
    public List<Condition> Conditions { get; set; } = [];
}

/// <summary>Usage for one tier and request class.</summary>
public sealed class UsageLine
{
    /// <summary>Tier.</summary>
    [JsonPropertyName("tier")]
    public string Tier { get; set; } = string.Empty;

    /// <summary>Request class.</summary>
    [JsonPropertyName("requestClass")]
    public string RequestClass { get; set; } = string.Empty;

    /// <summary>Successful calls.</summary>
    [JsonPropertyName("requests")]
    public long Requests { get; set; }

    /// <summary>Input tokens.</summary>
    [JsonPropertyName("tokensIn")]
    public long TokensIn { get; set; }

    /// <summary>Output tokens.</summary>
    [JsonPropertyName("tokensOut")]
    public long TokensOut { get; set; }

    /// <summary>Spend.</summary>
    [JsonPropertyName("spend")]
    public decimal Spend { get; set; }
}

