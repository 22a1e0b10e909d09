using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>
/// Where a secret (tenant API key, provider key) comes from: a file (a mounted Secret), an environment variable,
/// or, for local development only, an inline value. Exactly one should be set; the first present wins in that order.
/// </summary>
public sealed class SecretSource
{
    /// <summary>Path of a file holding the secret (surrounding whitespace is trimmed). Relative paths are resolved against the configuration file's directory.</summary>
    [JsonPropertyName("file")]
    public string? File { get; set; }

    /// <summary>Name of an environment variable holding the secret.</summary>
    [JsonPropertyName("env")]
    public string? Env { get; set; }

    /// <summary>The secret itself. Local development only: the router warns at start when one is used.</summary>
    [JsonPropertyName("value")]
    public string? Value { get; set; }
}
