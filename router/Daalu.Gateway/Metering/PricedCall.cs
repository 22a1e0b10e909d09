namespace Daalu.Gateway.Metering;

/// <summary>
/// One ledger row: a call record with its prices fixed at the time of the call. Money is in integer
/// nano-units (1e-9) of the billing currency so that sums over the ledger are exact and repeatable.
/// </summary>
public sealed record PricedCall
{
    /// <summary>X-Request-Id.</summary>
    public required string RequestId { get; init; }

    /// <summary>Attempt within the cascade (1-based).</summary>
    public required int Attempt { get; init; }

    /// <summary>Calling tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>OwnGpu, Hosted or External.</summary>
    public required string Tier { get; init; }

    /// <summary>Backend or provider.</summary>
    public required string Backend { get; init; }

    /// <summary>Model that ran.</summary>
    public required string Model { get; init; }

    /// <summary>chat, agent, classifier or coding.</summary>
    public required string RequestClass { get; init; }

    /// <summary>Prompt tokens.</summary>
    public required long TokensIn { get; init; }

    /// <summary>Completion tokens.</summary>
    public required long TokensOut { get; init; }

    /// <summary>Token counts are an estimate.</summary>
    public bool Estimated { get; init; }

    /// <summary>Stream ended early; partial usage billed.</summary>
    public bool Partial { get; init; }

    /// <summary>Time to first token, ms.</summary>
    public double TtftMs { get; init; }

    /// <summary>Latency, ms.</summary>
    public double LatencyMs { get; init; }

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
