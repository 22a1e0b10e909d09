using Daalu.Gateway.Abstractions;

namespace Daalu.Gateway.Metering;

/// <summary>
/// One ledger row: a call record with its prices fixed at the time of the call. Money is in integer
/// nano-units (1e-9) of the billing currency so that sums over the ledger are exact and repeatable.
/// </summary>
public sealed record PricedCall : CallFacts
{
    /// <summary>What the tenant pays, nano-units.</summary>
    public long CostNano { get; init; }

    /// <summary>What the call would have cost at the plan's commercial reference prices, nano-units.</summary>
    public long CommercialNano { get; init; }

    /// <summary>Credit to <see cref="ContributorTenant"/>, nano-units.</summary>
    public long CreditNano { get; init; }

    /// <summary>Tenant whose contributed card served the call, if any.</summary>
    public string? ContributorTenant { get; init; }

    /// <summary>Completion time, Unix milliseconds.</summary>
    public required long CompletedAtMs { get; init; }

    /// <summary>UTC day, yyyy-MM-dd.</summary>
    public required string Day { get; init; }

    /// <summary>Billing period, yyyy-MM.</summary>
    public required string Period { get; init; }
}
