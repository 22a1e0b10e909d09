namespace Daalu.Contracts.Usage;

/// <summary>The body of GET /v1/usage.</summary>
public sealed record UsageReport(
    string? Tenant,
    string Role,
    string From,
    string To,
    int Days,
    IReadOnlyList<UsageRow> Rows,
    UsageTotals Totals,
    QuotaStatus? Quota,
    ProviderCredits? ProviderCredits,
    IReadOnlyList<SkuCost> SkuComparison)
{
    /// <summary>The SKU whose prices gave the commercial equivalent of rows metered without reference prices; null when none needed it.</summary>
    public string? CommercialReferenceSku { get; init; }
}
