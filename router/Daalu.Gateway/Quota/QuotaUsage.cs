namespace Daalu.Gateway.Quota;

/// <summary>A tenant's counters at the moment of a decision.</summary>
/// <param name="Spent">Tokens settled in the billing period.</param>
/// <param name="Reserved">Tokens held by open reservations in the billing period.</param>
/// <param name="MinuteTokens">Tokens counted in the current minute window (reserved or settled).</param>
/// <param name="MinuteRequests">Admissions counted in the current minute window.</param>
public readonly record struct QuotaUsage(long Spent, long Reserved, long MinuteTokens, long MinuteRequests);
