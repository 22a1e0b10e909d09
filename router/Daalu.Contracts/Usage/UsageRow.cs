namespace Daalu.Contracts.Usage;

/// <summary>Usage for one day x tier x request class (and tenant, in an admin's all-tenant view).</summary>
public sealed record UsageRow(
    string Day,
    string? Tenant,
    string Tier,
    string RequestClass,
    long Requests,
    long TokensIn,
    long TokensOut,
    decimal Spend,
    decimal CommercialEquivalent,
    decimal SavingsPercent,
    long EstimatedRequests,
    long PartialRequests);
