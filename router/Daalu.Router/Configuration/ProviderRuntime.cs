using Daalu.Contracts.RouterConfig;

namespace Daalu.Router.Configuration;

/// <summary>An external provider with its resolved key (null when none could be read: the provider is then skipped).</summary>
public sealed class ProviderRuntime(ProviderConfig config, string? apiKey)
{
    /// <summary>The configured provider.</summary>
    public ProviderConfig Config { get; } = config;

    /// <summary>The API key; never logged.</summary>
    internal string? ApiKey { get; } = apiKey;

    /// <summary>Whether a key is available.</summary>
    public bool HasKey => !string.IsNullOrEmpty(ApiKey);

    /// <summary>Provider name.</summary>
    public string Name => Config.Name;
}
