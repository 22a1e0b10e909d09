using Daalu.Gateway.Abstractions;
using Daalu.Router.Configuration;

namespace Daalu.Router.Tests.Infrastructure;

/// <summary>Test fake of the gateway's ITenantAuthenticator: a plain dictionary of the snapshot's keys.</summary>
public sealed class FakeAuthenticator(IReadOnlyList<TenantKeyEntry> keys) : ITenantAuthenticator
{
    private readonly Dictionary<string, TenantIdentity> _keys = keys.ToDictionary(k => k.Key, k => new TenantIdentity(k.Tenant, k.Admin));

    public TenantIdentity? Authenticate(ReadOnlySpan<char> bearerKey) =>
        _keys.TryGetValue(bearerKey.ToString(), out var id) ? id : null;
}
