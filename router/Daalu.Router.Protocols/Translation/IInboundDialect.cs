namespace Daalu.Router.Translation;

/// <summary>
/// A client API the router accepts besides Chat Completions, spoken over a chat-shaped cascade: its request was
/// translated to a chat request before planning, and this turns what the cascade produces (a chat completion, chat
/// chunks, an OpenAI error) back into the client's own API. One instance per call (it echoes that call's request).
/// Chat Completions itself has no dialect object: its bytes pass through untouched.
/// </summary>
public interface IInboundDialect
{
    /// <summary>The dialect's name for logs and docs ("responses", "anthropic-messages").</summary>
    string Name { get; }

    /// <summary>An error body in the dialect's own shape, from the router's OpenAI vocabulary (type, code).</summary>
    byte[] Error(int status, string type, string? code, string message, string? param);

    /// <summary>An OpenAI-shaped error body (from an upstream or the router) re-shaped for the client.</summary>
    byte[] ReshapeError(int status, ReadOnlySpan<byte> openAiErrorBody);

    /// <summary>A whole chat completion as the dialect's response body; throws <see cref="TranslationException"/> when unreadable.</summary>
    byte[] FromChatCompletion(ReadOnlySpan<byte> chatCompletion);

    /// <summary>A translator for one streamed answer.</summary>
    IChatStreamTranslator CreateStreamTranslator();
}
