using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>One OpenAI-compatible model server (a vLLM Service, or an endpoint over a tunnel).</summary>
public sealed class BackendConfig
{
    /// <summary>Backend name, unique (the ModelServing's namespace/name in a cluster).</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>OwnGpu (a tenant's own card) or Hosted (operator-run pool capacity).</summary>
    [JsonPropertyName("tier")]
    public string Tier { get; set; } = TierNames.OwnGpu;

    /// <summary>Base URL up to but not including /v1, e.g. http://10.0.0.5:8000.</summary>
    [JsonPropertyName("url")]
    public string Url { get; set; } = string.Empty;

    /// <summary>Owning tenant (required for OwnGpu; empty for operator-run Hosted capacity).</summary>
    [JsonPropertyName("tenant")]
    public string? Tenant { get; set; }

    /// <summary>An OwnGpu backend that also serves the hosted pool for other tenants (contributor is credited).</summary>
    [JsonPropertyName("shared")]
    public bool Shared { get; set; }

    /// <summary>
    /// Tenant whose sharing card runs this backend for <see cref="Tenant"/> (a tenant's model placed on another tenant's
    /// card): that card owner, not <see cref="Tenant"/>, is the contributor credited for hosted calls here. Null when
    /// <see cref="Tenant"/> owns the card (it is then the contributor of a shared backend) or the card is operator-run.
    /// </summary>
    [JsonPropertyName("contributor")]
    public string? Contributor { get; set; }

    /// <summary>Percent of the hosted price credited to the contributing tenant when another tenant's call runs here.</summary>
    [JsonPropertyName("revenueSharePercent")]
    public int RevenueSharePercent { get; set; }

    /// <summary>general or coding.</summary>
    [JsonPropertyName("purpose")]
    public string Purpose { get; set; } = ModelPurposes.General;

    /// <summary>Models the backend is expected to serve; replaced by what its /v1/models reports once polled.</summary>
    [JsonPropertyName("models")]
    public List<string> Models { get; set; } = [];

    /// <summary>
    /// Models this backend serves as embedding models (vLLM --task embed / a pooling runner): only these take
    /// /v1/embeddings, and they are never chosen for chat or completions.
    /// </summary>
    [JsonPropertyName("embeddingModels")]
    public List<string> EmbeddingModels { get; set; } = [];

    /// <summary>Model size class 1 (small) to 3 (large): the auto alias sends harder prompts to larger models.</summary>
    [JsonPropertyName("capability")]
    public int Capability { get; set; } = 2;

    /// <summary>Accepts image content parts (a vision model).</summary>
    [JsonPropertyName("supportsImages")]
    public bool SupportsImages { get; set; }

    /// <summary>
    /// The server answers OpenAI's Responses API itself (<c>POST /v1/responses</c>, as vLLM does from the version the
    /// operator checks, see docs/router.md "Dialects"): a Responses call is then forwarded unchanged instead of translated
    /// to chat. False (the default, and what a hand-written or older file means) keeps the translation, which works on
    /// any chat server.
    /// </summary>
    [JsonPropertyName("servesResponses")]
    public bool ServesResponses { get; set; }

    /// <summary>
    /// NVIDIA dcgm-exporter metrics URL for the card(s) behind this backend (e.g. http://10.0.0.5:9400/metrics), read
    /// by the console's hardware view; null when no exporter is known.
    /// </summary>
    [JsonPropertyName("dcgmExporterUrl")]
    public string? DcgmExporterUrl { get; set; }

    /// <summary>Bearer key the server expects, if any.</summary>
    [JsonPropertyName("apiKey")]
    public SecretSource? ApiKey { get; set; }
}
