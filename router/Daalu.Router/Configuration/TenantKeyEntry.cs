namespace Daalu.Router.Configuration;

/// <summary>A tenant API key read from its source, handed to the authenticator factory. Never logged.</summary>
public readonly record struct TenantKeyEntry(string Tenant, bool Admin, string Key);
