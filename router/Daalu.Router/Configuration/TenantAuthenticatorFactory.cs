using Daalu.Gateway.Abstractions;

namespace Daalu.Router.Configuration;

/// <summary>Builds the authenticator for one configuration snapshot from its keys (the gateway's hashed-key authenticator in production).</summary>
public delegate ITenantAuthenticator TenantAuthenticatorFactory(IReadOnlyList<TenantKeyEntry> keys);
