namespace Daalu.Gateway.Abstractions;

/// <summary>Maps a bearer API key to its tenant. Keys are kept hashed and compared in constant time.</summary>
public interface ITenantAuthenticator
{
    /// <summary>The tenant that owns <paramref name="bearerKey"/>, or null for an unknown key.</summary>
    TenantIdentity? Authenticate(ReadOnlySpan<char> bearerKey);
}
