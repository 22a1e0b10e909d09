using System.Collections.Frozen;
using Daalu.Contracts.RouterConfig;
using Daalu.Gateway.Abstractions;

namespace Daalu.Router.Configuration;

/// <summary>
/// One loaded, validated configuration. Immutable: a reload builds a new snapshot and swaps the reference, so a
/// request that captured this one finishes with it.
/// </summary>
public sealed class RouterSnapshot
{
    internal RouterSnapshot(
        RouterConfiguration config,
        string hash,
        FrozenDictionary<string, TenantRuntime> tenants,
        IReadOnlyList<ProviderRuntime> providers,
        FrozenDictionary<string, string> backendKeys,
        ITenantAuthenticator authenticator,
        IReadOnlyList<string> warnings,
        string secretsFingerprint)
    {
        SecretsFingerprint = secretsFingerprint;
        Config = config;
        Hash = hash;
        Tenants = tenants;
        Providers = providers;
        BackendKeys = backendKeys;
        Authenticator = authenticator;
        Warnings = warnings;
    }

    /// <summary>The configuration document.</summary>
    public RouterConfiguration Config { get; }

    /// <summary>SHA-256 of the file's bytes (hex, first 16 chars): what the operator compares with its ConfigMap.</summary>
    public string Hash { get; }

    /// <summary>Tenants by name.</summary>
    public FrozenDictionary<string, TenantRuntime> Tenants { get; }

    /// <summary>Every configured provider with its key state.</summary>
    public IReadOnlyList<ProviderRuntime> Providers { get; }

    /// <summary>Backend bearer keys by backend name (only backends that have one).</summary>
    internal FrozenDictionary<string, string> BackendKeys { get; }

    /// <summary>Maps bearer keys to tenants for this snapshot.</summary>
    public ITenantAuthenticator Authenticator { get; }

    /// <summary>Non-fatal findings (inline dev keys, providers without keys); no secret values.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Hash over every resolved secret, so a rotated key file triggers a reload even when the document is unchanged.</summary>
    internal string SecretsFingerprint { get; }

    /// <summary>Backends.</summary>
    public IReadOnlyList<BackendConfig> Backends => Config.Backends;
}
