using Daalu.Gateway.Abstractions;

namespace Daalu.Gateway.Usage;

/// <summary>A usage question from an authenticated caller.</summary>
/// <param name="Caller">Who asks (from the router's auth step).</param>
/// <param name="Days">The last N UTC days, today included (1..366).</param>
/// <param name="Tenant">Admin only: one tenant; null = the caller's own tenant (admin: all tenants).</param>
public sealed record UsageQuery(TenantIdentity Caller, int Days = 30, string? Tenant = null);
