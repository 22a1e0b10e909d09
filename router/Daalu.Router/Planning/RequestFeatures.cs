namespace Daalu.Router.Planning;

/// <summary>The facts about a request that routing depends on (never its text).</summary>
/// <param name="Endpoint">chat, completions or embeddings.</param>
/// <param name="HasTools">The request offers tools or carries tool calls/results.</param>
/// <param name="HasImages">The request has image content parts.</param>
public readonly record struct RequestFeatures(string Endpoint, bool HasTools, bool HasImages)
{
    /// <summary>Chat completions.</summary>
    public const string Chat = "chat";

    /// <summary>Legacy completions.</summary>
    public const string Completions = "completions";

    /// <summary>Embeddings.</summary>
    public const string Embeddings = "embeddings";
}
