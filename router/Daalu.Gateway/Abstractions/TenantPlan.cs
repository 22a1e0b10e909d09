namespace Daalu.Gateway.Abstractions;

/// <summary>
/// A tenant's plan on the hosted pool, compiled from its TenantQuota. The router passes it to the gateway
/// with every hosted-tier admission so the gateway never needs the router's configuration types.
/// </summary>
public sealed record TenantPlan(
    string Tenant,
    bool Enrolled,
    long MonthlyTokenBudget,
    long TokensPerMinute,
    int RequestsPerMinute,
    int DefaultMaxTokens,
    decimal InputPerMTok,
    decimal OutputPerMTok,
    decimal ReferenceInputPerMTok,
    decimal ReferenceOutputPerMTok,
    bool ShadowMode,
    bool Admin);
