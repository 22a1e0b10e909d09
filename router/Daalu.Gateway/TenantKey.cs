namespace Daalu.Gateway;

/// <summary>
/// One bearer API key of a tenant, as read from a Secret the TenantQuota references. The plaintext only passes
/// through here on its way to <see cref="HashedKeyAuthenticator"/>, which keeps its SHA-256 image and drops it.
/// </summary>
/// <param name="Tenant">The tenant that owns the key.</param>
/// <param name="Admin">Whether the key may read every tenant's usage.</param>
/// <param name="Key">The plaintext key. Never logged; <see cref="ToString"/> redacts it.</param>
public sealed record TenantKey(string Tenant, bool Admin, string Key)
{
    /// <summary>Redacts the key so that a logged record never carries the secret.</summary>
    public override string ToString() => $"TenantKey {{ Tenant = {Tenant}, Admin = {Admin}, Key = *** }}";
}
