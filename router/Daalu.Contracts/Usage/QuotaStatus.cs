namespace Daalu.Contracts.Usage;

/// <summary>Hosted-pool quota of the billing period, per the ledger (open reservations are not included).</summary>
public sealed record QuotaStatus(string Period, long Budget, long Used, long Left, bool ShadowMode);
