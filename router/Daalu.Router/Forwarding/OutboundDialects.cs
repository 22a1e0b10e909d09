using Daalu.Contracts;
using Daalu.Router.Planning;

namespace Daalu.Router.Forwarding;

/// <summary>
/// Which outbound dialect a candidate speaks for a request: Anthropic for an Anthropic-style provider; the Responses API
/// as it came for a Responses call to a backend that serves it; else OpenAI-compatible chat (Responses translated).
/// </summary>
internal static class OutboundDialects
{
    public static IOutboundDialect For(Candidate cand, ParsedRequest req) =>
        cand.Provider?.Config.ApiStyle == ApiStyles.Anthropic ? AnthropicMessagesOutbound.Instance
        : ResponsesNativeOutbound.Serves(cand, req) ? ResponsesNativeOutbound.Instance
        : OpenAIChatOutbound.Instance;
}
