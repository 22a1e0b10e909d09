using System.Buffers;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Daalu.Gateway.Abstractions;

namespace Daalu.Gateway;

/// <summary>
/// Maps bearer keys to tenants through their SHA-256 images. The plaintext is not kept. Lookup is one hash
/// plus one dictionary probe keyed by the hash (the hash is already a one-way image of the secret, so probing
/// by it leaks nothing about other keys), followed by a constant-time comparison of the full 32 bytes.
/// The cost per request does not depend on the number of tenants.
/// </summary>
public sealed class HashedKeyAuthenticator : ITenantAuthenticator
{
    private const int MaxKeyBytes = 4096;
    private readonly FrozenDictionary<string, Entry> _byHash;

    /// <summary>Builds the authenticator. Throws on an empty key or on one key claimed by two tenants.</summary>
    public HashedKeyAuthenticator(IEnumerable<TenantKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var map = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (string.IsNullOrWhiteSpace(key.Tenant))
            {
                throw new ArgumentException("A tenant key needs a tenant name.", nameof(keys));
            }

            if (string.IsNullOrWhiteSpace(key.Key))
            {
                throw new ArgumentException($"Tenant '{key.Tenant}' has an empty API key.", nameof(keys));
            }

            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key.Key));
            var id = Convert.ToHexString(hash);
            var identity = new TenantIdentity(key.Tenant, key.Admin);
            if (map.TryGetValue(id, out var existing))
            {
                if (existing.Identity != identity)
                {
                    // Never name the key; the tenants are enough to find the Secret.
                    throw new ArgumentException(
                        $"One API key is configured for both '{existing.Identity.Tenant}' and '{key.Tenant}' (or with different admin flags).",
                        nameof(keys));
                }

                continue;
            }

            map[id] = new Entry(hash, identity);
        }

        _byHash = map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Number of distinct keys known.</summary>
    public int Count => _byHash.Count;

    /// <inheritdoc />
    public TenantIdentity? Authenticate(ReadOnlySpan<char> bearerKey)
    {
        if (bearerKey.IsEmpty || bearerKey.Length > MaxKeyBytes)
        {
            return null;
        }

        var byteCount = Encoding.UTF8.GetMaxByteCount(bearerKey.Length);
        byte[]? rented = null;
        Span<byte> utf8 = byteCount <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        try
        {
            var written = Encoding.UTF8.GetBytes(bearerKey, utf8);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..written], hash);
            if (!_byHash.TryGetValue(Convert.ToHexString(hash), out var entry))
            {
                return null;
            }

            return CryptographicOperations.FixedTimeEquals(hash, entry.Hash) ? entry.Identity : null;
        }
        finally
        {
            utf8.Clear();
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private sealed record Entry(byte[] Hash, TenantIdentity Identity);
}
