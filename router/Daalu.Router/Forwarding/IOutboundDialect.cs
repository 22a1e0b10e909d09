using Daalu.Router.Planning;
using Daalu.Router.Translation;

namespace Daalu.Router.Forwarding;

/// <summary>
/// The wire format of one upstream: how the cascade's chat-shaped request is sent to it, and how its answer and errors
/// come back in chat's shape. One implementation per upstream API (Envoy AI Gateway's translator-per-schema-pair
/// shape); adding a backend API means adding one of these, not branches in the attempt loop.
/// </summary>
internal interface IOutboundDialect
{
    /// <summary>The upstream API this dialect speaks, as explain shows it: openai, openai.responses or anthropic.messages.</summary>
    string Api { get; }

    /// <summary>Whether an upstream error body may go to the client (normalised) when a failure does not fall through.</summary>
    bool PassesErrorBodies { get; }

    /// <summary>
    /// The upstream answers in the client's own API (a Responses call to a backend that serves Responses): its body and
    /// stream go to the client without the inbound dialect's translation back, and its usage is read in that API.
    /// </summary>
    bool AnswersInClientApi { get; }

    /// <summary>
    /// Builds the upstream request; throws <see cref="TranslationException"/> when it cannot be expressed.
    /// <paramref name="upstreamStream"/> is the translator for a streamed answer that is not chat chunks already.
    /// </summary>
    HttpRequestMessage Build(RouteContext rc, Candidate cand, TimeProvider time, out AnthropicStreamTranslator? upstreamStream);

    /// <summary>A 2xx JSON answer as a chat completion (or the body itself when it is one).</summary>
    byte[] ToChatCompletion(byte[] body, RouteContext rc, TimeProvider time);

    /// <summary>A non-2xx answer's body as an OpenAI error body.</summary>
    byte[] ToOpenAIError(byte[] body, int status);
}
