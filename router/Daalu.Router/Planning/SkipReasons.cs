namespace Daalu.Router.Planning;

/// <summary>Why the planner left a tier, backend or provider out (shown in /v1/route/explain and 503 errors).</summary>
public static class SkipReasons
{
    /// <summary>A policy rule removed the tier.</summary>
    public const string Rule = "Rule";

    /// <summary>Coding requests never reach the External tier.</summary>
    public const string CodingNeverExternal = "CodingNeverExternal";

    /// <summary>The policy sends complexity-3 non-coding prompts past the own-GPU tier.</summary>
    public const string HardPrompt = "HardPromptSkipsOwnGpu";

    /// <summary>The tenant is not enrolled in the hosted pool.</summary>
    public const string NotEnrolled = "NotEnrolled";

    /// <summary>The tier has no backend or provider for this tenant.</summary>
    public const string NoBackends = "NoBackends";

    /// <summary>The backend or provider does not serve the requested model.</summary>
    public const string ModelNotServed = "ModelNotServed";

    /// <summary>The backend's purpose does not match the alias.</summary>
    public const string PurposeMismatch = "PurposeMismatch";

    /// <summary>The request has images and the backend or model cannot take them.</summary>
    public const string NoImageSupport = "NoImageSupport";

    /// <summary>Tool-calling request and the Anthropic provider does not translate tools.</summary>
    public const string ToolsNotTranslated = "ToolsNotTranslated";

    /// <summary>The provider's wire format has no such endpoint.</summary>
    public const string UnsupportedEndpoint = "UnsupportedEndpoint";

    /// <summary>The provider has no API key.</summary>
    public const string NoApiKey = "NoApiKey";

    /// <summary>The circuit breaker is open.</summary>
    public const string CircuitOpen = "CircuitOpen";

    /// <summary>The backend did not answer its last probe and its models are unknown.</summary>
    public const string Unreachable = "Unreachable";

    /// <summary>An embedding request and no declared embedding model here, or a chat/completions request for an embedding model.</summary>
    public const string EmbeddingMismatch = "EmbeddingMismatch";

    /// <summary>The backend is saturated.</summary>
    public const string Saturated = "Saturated";
}
