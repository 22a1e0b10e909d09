using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Daalu.Api.Schema;
using Daalu.Contracts;
using k8s.Models;

namespace Daalu.Api.V1Alpha1;

/// <summary>
/// RoutingPolicy declares the cascade the router applies to some or all tenants: the ordered tiers
/// (OwnGpu, Hosted, External), the external providers, rules per request class and model, saturation
/// thresholds, timeouts and which failures fall through to the next tier. Coding requests never reach
/// the External tier, whatever a policy says.
/// </summary>
[CustomResource("RoutingPolicy", "routingpolicies", ResourceScope.Namespaced, ShortNames = ["rp", "rpol"])]
[PrinterColumn(0, "Tiers", "string", ".status.tiers")]
[PrinterColumn(1, "Phase", "string", ".status.phase")]
[PrinterColumn(2, "Ready", "string", ".status.conditions[?(@.type==\"Accepted\")].status", Description = "The Accepted condition: the policy is part of the compiled router configuration")]
[PrinterColumn(3, "Reason", "string", ".status.conditions[?(@.type==\"Accepted\")].reason", Description = "Why the policy is or is not accepted")]
[PrinterColumn(4, "Config", "string", ".status.configHash", Priority = 1)]
[PrinterColumn(5, "Age", "date", ".metadata.creationTimestamp")]
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = "RoutingPolicy", PluralName = "routingpolicies")]
public sealed class RoutingPolicy : CustomResource<RoutingPolicySpec, RoutingPolicyStatus>
{
    /// <summary>Creates an empty RoutingPolicy with its kind set.</summary>
    public RoutingPolicy() => Kind = "RoutingPolicy";
}

/// <summary>The desired state of a RoutingPolicy.</summary>
[CelRule("!has(self.tiers) || self.tiers.all(t, self.tiers.exists_one(u, u.name == t.name))", "tier names must be unique", FieldPath = ".tiers")]
[CelRule("!has(self.providers) || self.providers.all(p, self.providers.exists_one(q, q.name == p.name))", "provider names must be unique", FieldPath = ".providers")]
[CelRule("!has(self.tiers) || !self.tiers.exists(t, t.name == 'External' && (!has(t.enabled) || t.enabled)) || (has(self.providers) && self.providers.size() > 0)", "an enabled External tier needs at least one provider", FieldPath = ".providers")]
public sealed class RoutingPolicySpec
{
    /// <summary>Tenants this policy applies to; empty means every tenant without a more specific policy.</summary>
    [Schema(MaxItems = 256, ListType = "set", MaxItemLength = TenantNames.MaxLength, ItemPattern = TenantNames.Pattern)]
    [JsonPropertyName("tenants")]
    public List<string> Tenants { get; set; } = [];

    /// <summary>The cascade, tried in this order. Omitted tiers are not used.</summary>
    [Schema(MinItems = 1, MaxItems = 3, DefaultJson = "[{\"name\":\"OwnGpu\"},{\"name\":\"Hosted\"},{\"name\":\"External\"}]")]
    [JsonPropertyName("tiers")]
    public List<TierSpec> Tiers { get; set; } = [];

    /// <summary>External commercial providers for the External tier, tried in order.</summary>
    [Schema(MaxItems = 16)]
    [JsonPropertyName("providers")]
    public List<ExternalProvider> Providers { get; set; } = [];

    /// <summary>Rules that allow, deny or pin tiers per request class or model; the first matching rule wins.</summary>
    [Schema(MaxItems = 64)]
    [JsonPropertyName("rules")]
    public List<RoutingRule> Rules { get; set; } = [];

    /// <summary>How to classify a request when it carries no X-Daalu-Request-Class header.</summary>
    [Schema(MaxItems = 64)]
    [JsonPropertyName("classification")]
    public List<ClassificationRule> Classification { get; set; } = [];

    /// <summary>When a vLLM backend counts as saturated and is skipped.</summary>
    [Schema(DefaultJson = "{}")]
    [JsonPropertyName("saturation")]
    public SaturationThresholds Saturation { get; set; } = new();

    /// <summary>
    /// Within a tier, prefer the backend that most likely holds the request's prompt prefix in its KV cache (rendezvous
    /// hashing of the conversation's leading blocks, traded against load); off picks the less loaded of two at random.
    /// </summary>
    [Schema(DefaultJson = "true")]
    [JsonPropertyName("prefixAffinity")]
    public bool PrefixAffinity { get; set; } = true;

    /// <summary>Timeouts per attempt.</summary>
    [Schema(DefaultJson = "{}")]
    [JsonPropertyName("timeouts")]
    public RoutingTimeouts Timeouts { get; set; } = new();

    /// <summary>Failures that fall through to the next candidate or tier (before the first byte only).</summary>
    [EnumValues(FallThroughReasons.ConnectError, FallThroughReasons.Timeout, FallThroughReasons.ServerError, FallThroughReasons.TooManyRequests, FallThroughReasons.ModelNotServed, FallThroughReasons.QuotaExceeded)]
    [Schema(ListType = "set", DefaultJson = "[\"ConnectError\",\"Timeout\",\"ServerError\",\"TooManyRequests\",\"ModelNotServed\",\"QuotaExceeded\"]")]
    [JsonPropertyName("fallThroughOn")]
    public List<string> FallThroughOn { get; set; } = [];

    /// <summary>Per-backend circuit breaker.</summary>
    [Schema(DefaultJson = "{}")]
    [JsonPropertyName("circuitBreaker")]
    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();

    /// <summary>Send the hardest non-coding prompts (complexity 3) past the own-GPU tier.</summary>
    [Schema(DefaultJson = "false")]
    [JsonPropertyName("skipOwnGpuForHardPrompts")]
    public bool SkipOwnGpuForHardPrompts { get; set; }

    /// <summary>
    /// Content-based code detection: enforce (default) treats a request whose messages, system prompt or tool results
    /// carry code as request class coding, so it never reaches External; report only explains and counts; off skips it.
    /// </summary>
    [MaxLength(8)]
    [EnumValues(CodeDetectionModes.Enforce, CodeDetectionModes.Report, CodeDetectionModes.Off)]
    [Schema(DefaultJson = "\"enforce\"")]
    [JsonPropertyName("codeDetection")]
    public string CodeDetection { get; set; } = CodeDetectionModes.Enforce;

    /// <summary>
    /// A small own-GPU model that rates the prompts the learned difficulty stage is unsure about, and scores a sample of
    /// answers in the background (quality drift watch). Omitted or not enabled: no judge.
    /// </summary>
    [JsonPropertyName("judge")]
    public JudgeSettings? Judge { get; set; }
}

/// <summary>One tier of the cascade.</summary>
public sealed class TierSpec
{
    /// <summary>OwnGpu (the tenant's own cards), Hosted (the shared pool) or External (commercial providers).</summary>
    [Required]
    [MaxLength(16)]
    [EnumValues(TierNames.OwnGpu, TierNames.Hosted, TierNames.External)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Whether the tier is tried.</summary>
    [Schema(DefaultJson = "true")]
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; } = true;
}

/// <summary>An external commercial model provider.</summary>
public sealed class ExternalProvider
{
    /// <summary>Name of the provider, unique in the policy, e.g. openai.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    [MaxLength(63)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Wire format: openai (pass-through) or anthropic (Messages API with translation).</summary>
    [Required]
    [EnumValues(ApiStyles.OpenAI, ApiStyles.Anthropic)]
    [JsonPropertyName("apiStyle")]
    public string ApiStyle { get; set; } = ApiStyles.OpenAI;

    /// <summary>Base URL, e.g. https://api.openai.com/v1 or https://api.anthropic.com.</summary>
    [Required]
    [RegularExpression("^https?://[^\\s/$.?#].[^\\s]*$")]
    [MaxLength(2048)]
    [JsonPropertyName("baseUrl")]
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>Secret key that holds the provider's API key.</summary>
    [Required]
    [JsonPropertyName("apiKeySecretRef")]
    public SecretKeyReference ApiKeySecretRef { get; set; } = new();

    /// <summary>Translate tools, tool_use and streaming for an anthropic provider; when off, tool-calling requests skip it.</summary>
    [Schema(DefaultJson = "true")]
    [JsonPropertyName("translateTools")]
    public bool TranslateTools { get; set; } = true;

    /// <summary>Models offered through this provider, with their prices.</summary>
    [Schema(MinItems = 1, MaxItems = 64)]
    [JsonPropertyName("models")]
    public List<ProviderModel> Models { get; set; } = [];
}

/// <summary>A model of an external provider.</summary>
public sealed class ProviderModel
{
    /// <summary>The provider's model id, e.g. gpt-4.1-mini or claude-sonnet-4-5.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(256)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Requests for these model names or aliases (e.g. general, auto) may map to this model.</summary>
    [Schema(MaxItems = 32)]
    [JsonPropertyName("serves")]
    public List<string> Serves { get; set; } = [];

    /// <summary>Price per million input tokens, in the billing currency.</summary>
    [Range(0, 1000000)]
    [JsonPropertyName("inputPricePerMTok")]
    public decimal InputPricePerMTok { get; set; }

    /// <summary>Price per million output tokens, in the billing currency.</summary>
    [Range(0, 1000000)]
    [JsonPropertyName("outputPricePerMTok")]
    public decimal OutputPricePerMTok { get; set; }

    /// <summary>Accepts image content parts.</summary>
    [Schema(DefaultJson = "true")]
    [JsonPropertyName("supportsImages")]
    public bool SupportsImages { get; set; } = true;

    /// <summary>An embedding model: serves /v1/embeddings (and only embedding requests are sent to it).</summary>
    [JsonPropertyName("embeddings")]
    public bool Embeddings { get; set; }
}

/// <summary>A rule that allows, denies or pins tiers for matching requests.</summary>
[CelRule("!(self.action in ['allow', 'pin'] && has(self.tiers) && 'External' in self.tiers && has(self.requestClasses) && 'coding' in self.requestClasses)", "coding requests can never be allowed or pinned to the External tier")]
[CelRule("!(self.action in ['allow', 'pin'] && has(self.tiers) && 'External' in self.tiers && (!has(self.requestClasses) || self.requestClasses.size() == 0))", "a rule that allows or pins the External tier must list its requestClasses: an empty list matches coding too, and coding requests never go to the External tier")]
[CelRule("self.action != 'pin' || (has(self.tiers) && self.tiers.size() == 1)", "a pin rule names exactly one tier", FieldPath = ".tiers")]
public sealed class RoutingRule
{
    /// <summary>Optional name, for status and route explanations.</summary>
    [MaxLength(63)]
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Request classes the rule matches; empty matches every class.</summary>
    [EnumValues(Daalu.Contracts.RequestClasses.Chat, Daalu.Contracts.RequestClasses.Agent, Daalu.Contracts.RequestClasses.Classifier, Daalu.Contracts.RequestClasses.Coding)]
    [Schema(ListType = "set", MaxItems = 4, MaxItemLength = 16)]
    [JsonPropertyName("requestClasses")]
    public List<string> RequestClasses { get; set; } = [];

    /// <summary>Requested model names the rule matches (exact, or a prefix ending in *); empty matches every model.</summary>
    [Schema(MaxItems = 64)]
    [JsonPropertyName("models")]
    public List<string> Models { get; set; } = [];

    /// <summary>allow: only these tiers; deny: never these tiers; pin: only this one tier.</summary>
    [Required]
    [MaxLength(16)]
    [EnumValues(RuleActions.Allow, RuleActions.Deny, RuleActions.Pin)]
    [JsonPropertyName("action")]
    public string Action { get; set; } = RuleActions.Allow;

    /// <summary>The tiers the action applies to.</summary>
    [EnumValues(TierNames.OwnGpu, TierNames.Hosted, TierNames.External)]
    [Schema(ListType = "set", MinItems = 1, MaxItems = 3, MaxItemLength = 16)]
    [JsonPropertyName("tiers")]
    public List<string> Tiers { get; set; } = [];
}

/// <summary>Assigns a request class from the API key's tenant or the requested model.</summary>
[CelRule("(has(self.tenant) && self.tenant != '') || (has(self.model) && self.model != '')", "a classification rule matches on tenant, model or both")]
public sealed class ClassificationRule
{
    /// <summary>Tenant (by its API key) the rule matches.</summary>
    [MaxLength(TenantNames.MaxLength)]
    [RegularExpression(TenantNames.PatternOrEmpty)]
    [JsonPropertyName("tenant")]
    public string? Tenant { get; set; }

    /// <summary>Requested model (exact, or a prefix ending in *).</summary>
    [MaxLength(256)]
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>The request class to assign.</summary>
    [Required]
    [EnumValues(RequestClasses.Chat, RequestClasses.Agent, RequestClasses.Classifier, RequestClasses.Coding)]
    [JsonPropertyName("requestClass")]
    public string RequestClass { get; set; } = RequestClasses.Chat;
}

/// <summary>Saturation thresholds read from each vLLM backend's /metrics.</summary>
public sealed class SaturationThresholds
{
    /// <summary>Skip a backend whose vllm:kv_cache_usage_perc is at or above this percent.</summary>
    [Range(1, 100)]
    [Schema(DefaultJson = "90")]
    [JsonPropertyName("kvCacheUsagePercent")]
    public int KvCacheUsagePercent { get; set; } = 90;

    /// <summary>Skip a backend with at least this many requests waiting (vllm:num_requests_waiting).</summary>
    [Range(0, 100000)]
    [Schema(DefaultJson = "8")]
    [JsonPropertyName("maxRequestsWaiting")]
    public int MaxRequestsWaiting { get; set; } = 8;

    /// <summary>
    /// Skip a backend when the router's real-time estimate of the requests on it (the last polled running + waiting,
    /// plus the calls this router started there since that poll, minus those that ended) reaches this; 0 turns it off.
    /// </summary>
    [Range(0, 100000)]
    [Schema(DefaultJson = "0")]
    [JsonPropertyName("maxRequestsPerBackend")]
    public int MaxRequestsPerBackend { get; set; }

    /// <summary>Time-to-first-token objectives per tier: a backend whose observed p95 over the window misses it is skipped.</summary>
    [Schema(MaxItems = 3)]
    [JsonPropertyName("ttftObjectives")]
    public List<TtftObjective> TtftObjectives { get; set; } = [];
}

/// <summary>Timeouts for one attempt.</summary>
public sealed class RoutingTimeouts
{
    /// <summary>TCP connect timeout in milliseconds.</summary>
    [Range(1, 600000)]
    [Schema(DefaultJson = "2000")]
    [JsonPropertyName("connectMs")]
    public int ConnectMs { get; set; } = 2000;

    /// <summary>Time to the first response byte before falling through, in milliseconds.</summary>
    [Range(1, 600000)]
    [Schema(DefaultJson = "30000")]
    [JsonPropertyName("firstByteMs")]
    public int FirstByteMs { get; set; } = 30000;

    /// <summary>Longest silence inside a stream before it counts as stalled, in milliseconds.</summary>
    [Range(1, 3600000)]
    [Schema(DefaultJson = "60000")]
    [JsonPropertyName("streamIdleMs")]
    public int StreamIdleMs { get; set; } = 60000;
}

/// <summary>Per-backend circuit breaker.</summary>
public sealed class CircuitBreakerSettings
{
    /// <summary>Consecutive failures that open the circuit.</summary>
    [Range(1, 1000)]
    [Schema(DefaultJson = "3")]
    [JsonPropertyName("consecutiveFailures")]
    public int ConsecutiveFailures { get; set; } = 3;

    /// <summary>Seconds the circuit stays open before one half-open probe.</summary>
    [Range(1, 3600)]
    [Schema(DefaultJson = "10")]
    [JsonPropertyName("openSeconds")]
    public int OpenSeconds { get; set; } = 10;
}

/// <summary>The observed state of a RoutingPolicy.</summary>
public sealed class RoutingPolicyStatus
{
    /// <summary>The .metadata.generation this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long ObservedGeneration { get; set; }

    /// <summary>Accepted or Invalid.</summary>
    [EnumValues("Accepted", "Invalid")]
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>The enabled tiers in order, e.g. OwnGpu,Hosted,External.</summary>
    [JsonPropertyName("tiers")]
    public string? Tiers { get; set; }

    /// <summary>The effective cascade per tenant and request class, after rules and invariants.</summary>
    [JsonPropertyName("effectiveCascade")]
    public List<EffectiveCascade> EffectiveCascade { get; set; } = [];

    /// <summary>Hash of the compiled router configuration the router has loaded.</summary>
    [JsonPropertyName("configHash")]
    public string? ConfigHash { get; set; }

    /// <summary>Accepted and other conditions.</summary>
    [Schema(ListType = "map", ListMapKeys = ["type"])]
    [JsonPropertyName("conditions")]
    public List<Condition> Conditions { get; set; } = [];
}

/// <summary>The tiers a tenant's requests of one class may use.</summary>
public sealed class EffectiveCascade
{
    /// <summary>Tenant, or * for every tenant.</summary>
    [JsonPropertyName("tenant")]
    public string Tenant { get; set; } = string.Empty;

    /// <summary>Request class.</summary>
    [JsonPropertyName("requestClass")]
    public string RequestClass { get; set; } = string.Empty;

    /// <summary>Tiers in order.</summary>
    [JsonPropertyName("tiers")]
    public List<string> Tiers { get; set; } = [];
}
