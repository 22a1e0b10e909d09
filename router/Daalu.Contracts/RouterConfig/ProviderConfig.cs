using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>An external commercial provider (compiled from a RoutingPolicy's providers).</summary>
public sealed class ProviderConfig
{
    /// <summary>Provider name, unique.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>openai (pass-through) or anthropic (Messages API with translation).</summary>
    [JsonPropertyName("apiStyle")]
    public string ApiStyle { get; set; } = ApiStyles.OpenAI;

    /// <summary>Base URL: for openai up to and including /v1 (https://api.openai.com/v1); for anthropic the host (https://api.anthropic.com).</summary>
    [JsonPropertyName("baseUrl")]
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>The provider's API key. A provider without a resolvable key is skipped (reason NoApiKey), not an error.</summary>
    [JsonPropertyName("apiKey")]
    public SecretSource? ApiKey { get; set; }

    /// <summary>anthropic: translate tools, tool_use and tool_result; when off, tool-calling requests skip this provider.</summary>
    [JsonPropertyName("translateTools")]
    public bool TranslateTools { get; set; } = true;

    /// <summary>anthropic: max_tokens sent when the request sets none (Anthropic requires it).</summary>
    [JsonPropertyName("defaultMaxTokens")]
    public int DefaultMaxTokens { get; set; } = 4096;

    /// <summary>Models offered, their aliases and prices.</summary>
    [JsonPropertyName("models")]
    public List<ProviderModel> Models { get; set; } = [];
}
