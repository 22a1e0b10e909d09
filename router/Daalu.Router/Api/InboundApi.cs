namespace Daalu.Router.Api;

/// <summary>The client API a request came in.</summary>
public enum InboundApi
{
    /// <summary>OpenAI Chat Completions, Completions or Embeddings: forwarded as is.</summary>
    OpenAI,

    /// <summary>OpenAI Responses (<c>POST /v1/responses</c>): translated to chat and back.</summary>
    Responses,

    /// <summary>Anthropic Messages (<c>POST /v1/messages</c>): translated to chat and back.</summary>
    AnthropicMessages,
}
