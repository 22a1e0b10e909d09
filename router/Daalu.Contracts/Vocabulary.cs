namespace Daalu.Contracts;

/// <summary>The tiers of the cascade.</summary>
public static class TierNames
{
    /// <summary>The tenant's own GPUs: free and private.</summary>
    public const string OwnGpu = "OwnGpu";

    /// <summary>The shared hosted GPU pool: billed per token against a quota.</summary>
    public const string Hosted = "Hosted";

    /// <summary>External commercial models: never for coding.</summary>
    public const string External = "External";
}

/// <summary>The request classes.</summary>
public static class RequestClasses
{
    /// <summary>Conversational requests.</summary>
    public const string Chat = "chat";

    /// <summary>Tool-using agent steps.</summary>
    public const string Agent = "agent";

    /// <summary>Short classification or extraction calls.</summary>
    public const string Classifier = "classifier";

    /// <summary>Code generation and editing: never sent to the External tier.</summary>
    public const string Coding = "coding";

    /// <summary>Every class, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [Chat, Agent, Classifier, Coding];
}

/// <summary>The actions of a routing rule.</summary>
public static class RuleActions
{
    /// <summary>Only the named tiers.</summary>
    public const string Allow = "allow";

    /// <summary>Never the named tiers.</summary>
    public const string Deny = "deny";

    /// <summary>Only the one named tier.</summary>
    public const string Pin = "pin";
}

/// <summary>The wire formats of external providers.</summary>
public static class ApiStyles
{
    /// <summary>OpenAI-compatible chat completions.</summary>
    public const string OpenAI = "openai";

    /// <summary>Anthropic Messages API.</summary>
    public const string Anthropic = "anthropic";
}

/// <summary>Failures that may fall through to the next candidate or tier.</summary>
public static class FallThroughReasons
{
    /// <summary>The connection was refused or could not be made in time.</summary>
    public const string ConnectError = "ConnectError";

    /// <summary>No first byte within the first-byte timeout.</summary>
    public const string Timeout = "Timeout";

    /// <summary>The upstream answered 5xx.</summary>
    public const string ServerError = "ServerError";

    /// <summary>The upstream answered 429.</summary>
    public const string TooManyRequests = "TooManyRequests";

    /// <summary>The upstream does not serve the model.</summary>
    public const string ModelNotServed = "ModelNotServed";

    /// <summary>The hosted pool refused the tenant's quota or rate limit.</summary>
    public const string QuotaExceeded = "QuotaExceeded";
}
