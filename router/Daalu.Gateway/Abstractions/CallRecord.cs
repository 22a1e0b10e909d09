namespace Daalu.Gateway.Abstractions;

/// <summary>
/// The facts of one successful (or partially streamed) call, as the router saw them. The gateway prices it
/// and writes one ledger row keyed by (RequestId, Attempt). No prompt or completion text, ever.
/// </summary>
public sealed record CallRecord : CallFacts
{
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
