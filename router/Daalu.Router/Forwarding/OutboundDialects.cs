using Daalu.Contracts;
using Daalu.Router.Planning;

namespace Daalu.Router.Forwarding;

/// <summary>Which outbound dialect a candidate speaks: Anthropic for an Anthropic-style provider, else OpenAI-compatible.</summary>
internal static class OutboundDialects
{
    public static IOutboundDialect For(Candidate cand) =>
        cand.Provider?.Config.ApiStyle == ApiStyles.Anthropic ? AnthropicMessagesOutbound.Instance : OpenAIChatOutbound.Instance;
}
