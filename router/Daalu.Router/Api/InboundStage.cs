using Daalu.Router.Planning;
using Daalu.Router.Translation;

namespace Daalu.Router.Api;

/// <summary>
/// The inbound dialect stage: the body the client sent to one of its APIs, parsed and validated into the cascade's
/// request (Chat Completions, Completions and Embeddings as sent; Responses and Anthropic Messages translated to chat,
/// with the dialect object that answers in the client's API). Pure over the bytes: no HttpContext, no services.
/// </summary>
public static class InboundStage
{
    /// <summary>
    /// The shape of an error written before the body is parsed (a missing key, a body too large): the API the client
    /// called, which for Anthropic Messages differs from OpenAI's; null means OpenAI's.
    /// </summary>
    public static IInboundDialect? ErrorShape(InboundApi api) => api == InboundApi.AnthropicMessages ? new AnthropicMessagesDialect("", "error") : null;

    /// <summary>Reads <paramref name="body"/> sent to <paramref name="endpoint"/> in <paramref name="api"/>; exactly one result is non-null.</summary>
    public static (ParsedRequest? Request, RequestError? Error) Read(byte[] body, InboundApi api, string endpoint, int maxJsonDepth, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (api != InboundApi.OpenAI)
        {
            return InboundRequests.Parse(body, api, maxJsonDepth, time);
        }

        // Valid JSON as sent: the request keeps these bytes (ParsedRequest.Raw), and an attempt that changes nothing
        // forwards them instead of serialising again.
        return RequestParser.Parse(body, endpoint, maxJsonDepth);
    }
}
