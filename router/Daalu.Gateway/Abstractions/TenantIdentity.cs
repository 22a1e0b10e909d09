namespace Daalu.Gateway.Abstractions;

/// <summary>Who a bearer key belongs to.</summary>
public sealed record TenantIdentity(string Tenant, bool Admin);
