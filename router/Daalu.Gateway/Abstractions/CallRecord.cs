namespace Daalu.Gateway.Abstractions;

/// <summary>
/// The facts of one successful (or partially streamed) call, as the router saw them. The gateway prices it
/// and writes one ledger row keyed by (RequestId, Attempt). No prompt or completion text, ever.
/// </summary>
public sealed record CallRecord
{
    /// <summary>X-Request-Id of the client call.</summary>
    public required string RequestId { get; init; }

    /// <summary>1-based attempt number within the call's cascade.</summary>
    public required int Attempt { get; init; }

    /// <summary>The calling tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>OwnGpu, Hosted or External.</summary>
    public required string Tier { get; init; }

    /// <summary>Backend or provider name.</summary>
    public required string Backend { get; init; }

    /// <summary>The model that ran.</summary>
    public required string Model { get; init; }

    /// <summary>chat, agent, classifier or coding.</summary>
    public required string RequestClass { get; init; }

    /// <summary>Prompt tokens.</summary>
    public required long TokensIn { get; init; }

    /// <summary>Completion tokens.</summary>
    public required long TokensOut { get; init; }

    /// <summary>True when the upstream reported no usage and the counts are an estimate.</summary>
    public bool Estimated { get; init; }

    /// <summary>True when a stream ended early (client cancel or upstream failure) and partial usage is billed.</summary>
    public bool Partial { get; init; }

    /// <summary>Time to first token in milliseconds.</summary>
    public double TtftMs { get; init; }

    /// <summary>Total latency in milliseconds.</summary>
    public double LatencyMs { get; init; }

    /// <summary>The tenant's plan (hosted prices, reference prices); null when the tenant has none.</summary>
    public TenantPlan? Plan { get; init; }

    /// <summary>External tier: the provider's input price per million tokens.</summary>
    public decimal ExternalInputPerMTok { get; init; }

    /// <summary>External tier: the provider's output price per million tokens.</summary>
    public decimal ExternalOutputPerMTok { get; init; }

    /// <summary>Hosted tier on a contributed card: the tenant that contributed it.</summary>
    public string? ContributorTenant { get; init; }

    /// <summary>Hosted tier on a contributed card: percent of the price credited to the contributor.</summary>
    public int RevenueSharePercent { get; init; }

    /// <summary>When the call completed.</summary>
    public required DateTimeOffset CompletedAt { get; init; }
}
