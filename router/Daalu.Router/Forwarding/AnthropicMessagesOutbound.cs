using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Router.Planning;
using Daalu.Router.Translation;

namespace Daalu.Router.Forwarding;

/// <summary>
/// Outbound to Anthropic's Messages API (<c>POST /v1/messages</c>, <c>x-api-key</c>, <c>anthropic-version: 2023-06-01</c>):
/// the chat request is translated (<see cref="AnthropicRequestTranslator"/>), the answer and the stream are translated
/// back to chat (<see cref="AnthropicResponseTranslator"/>, <see cref="AnthropicStreamTranslator"/>), errors to
/// OpenAI's shape. An Anthropic error body is not passed through as is when a failure does not fall through.
/// </summary>
internal sealed class AnthropicMessagesOutbound : IOutboundDialect
{
    public static readonly AnthropicMessagesOutbound Instance = new();

    /// <inheritdoc />
    public bool AnswersInClientApi => false;

    /// <inheritdoc/>
    public string Api => "anthropic.messages";

    /// <inheritdoc />
    public bool PassesErrorBodies => false;

    /// <inheritdoc />
    public HttpRequestMessage Build(RouteContext rc, Candidate cand, TimeProvider time, out AnthropicStreamTranslator? upstreamStream)
    {
        ArgumentNullException.ThrowIfNull(rc);
        ArgumentNullException.ThrowIfNull(cand);
        ArgumentNullException.ThrowIfNull(time);
        var p = cand.Provider!;
        var msg = AnthropicRequestTranslator.ToAnthropic(rc.Request.Body, cand.UpstreamModel, p.Config.DefaultMaxTokens);
        if (rc.Request.Stream)
        {
            msg["stream"] = true;
        }

        upstreamStream = rc.Request.Stream ? new AnthropicStreamTranslator(rc.Request.Model, time.GetUtcNow().ToUnixTimeSeconds(), rc.Request.ClientWantsUsage) : null;
        var req = new HttpRequestMessage(HttpMethod.Post, UpstreamUris.For(p.Config, p.Config.BaseUrl, "/v1/messages")) { Content = new ByteArrayContent(JsonBytes.Serialize(msg)) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        req.Headers.TryAddWithoutValidation("x-api-key", p.ApiKey);
        req.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        req.Headers.TryAddWithoutValidation("X-Request-Id", rc.RequestId);
        return req;
    }

    /// <inheritdoc />
    public byte[] ToChatCompletion(byte[] body, RouteContext rc, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(rc);
        ArgumentNullException.ThrowIfNull(time);
        var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 128 }) as JsonObject
            ?? throw new JsonException("not an object");
        return JsonBytes.Serialize(AnthropicResponseTranslator.ToOpenAI(node, rc.Request.Model, time.GetUtcNow().ToUnixTimeSeconds()));
    }

    /// <inheritdoc />
    public byte[] ToOpenAIError(byte[] body, int status) =>
        Encoding.UTF8.GetBytes(AnthropicResponseTranslator.ErrorToOpenAI(status, Encoding.UTF8.GetString(body)).ToJsonString());
}
