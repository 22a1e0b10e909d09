namespace Daalu.Gateway.Abstractions;

/// <summary>Tokens held against a tenant's quota and per-minute limits until settled or released.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Id">Unique reservation id.</param>
/// <param name="Tokens">Tokens reserved: prompt tokens plus max_tokens (or the plan's default cap).</param>
/// <param name="Period">The billing period it counts against, e.g. 2026-11.</param>
/// <param name="Minute">The per-minute window it counts against (Unix minute).</param>
public sealed record Reservation(string Tenant, string Id, long Tokens, string Period, long Minute);
