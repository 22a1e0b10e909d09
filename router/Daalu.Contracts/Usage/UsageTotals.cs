namespace Daalu.Contracts.Usage;

/// <summary>Totals over all rows of a report.</summary>
public sealed record UsageTotals(long Requests, long TokensIn, long TokensOut, decimal Spend, decimal CommercialEquivalent, decimal SavingsPercent);
