namespace Daalu.TestDoubles.Anthropic;

/// <summary>Failures the Anthropic double can inject, each as the real API shows it on the wire.</summary>
public enum AnthropicFault
{
    None,

    /// <summary>HTTP 529 with <c>overloaded_error</c> (Anthropic's "busy for everyone").</summary>
    Overloaded,

    /// <summary>HTTP 429 with <c>rate_limit_error</c> and a <c>retry-after</c> header.</summary>
    RateLimited,

    /// <summary>HTTP 500 with <c>api_error</c>.</summary>
    ServerError,

    /// <summary>Streaming: the connection is cut after a few events, no <c>message_stop</c>. Non-streaming: cut before any byte.</summary>
    DropMidStream,

    /// <summary>Streaming: HTTP 200, some events, then <c>event: error</c> with <c>overloaded_error</c> (what Anthropic does under load mid-stream).</summary>
    StreamErrorEvent,
}
