using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Daalu.Router.Planning;
using Daalu.Router.Translation;

namespace Daalu.Router.Forwarding;

/// <summary>
/// Outbound to a backend that serves OpenAI's Responses API itself (<see cref="Daalu.Contracts.RouterConfig.BackendConfig.ServesResponses"/>):
/// a Responses call goes to its <c>POST /v1/responses</c> as the client wrote it, and the answer, the event stream and
/// errors come back in the client's API already, so nothing is translated either way (the relay passes the events
/// through; usage is read from the response's <c>usage</c> and the <c>response.completed</c> event). Two fields are
/// set: <c>model</c> to the backend's model (an alias resolved by the plan) and <c>store: false</c>, since the router
/// keeps no responses and could not send a later <c>previous_response_id</c> to the replica that stored one.
/// vLLM's endpoint and its wire format: vllm/entrypoints/openai/responses/api_router.py (create_responses: a JSON
/// ResponsesResponse, or SSE "event: TYPE\ndata: JSON\n\n" without [DONE]; errors as ErrorResponse with the status of
/// error.code).
/// </summary>
internal sealed class ResponsesNativeOutbound : IOutboundDialect
{
    public static readonly ResponsesNativeOutbound Instance = new();

    /// <summary>The upstream path.</summary>
    public const string Path = "/v1/responses";

    /// <inheritdoc/>
    public string Api => "openai.responses";

    /// <inheritdoc />
    public bool PassesErrorBodies => true;

    /// <inheritdoc />
    public bool AnswersInClientApi => true;

    /// <summary>Whether <paramref name="cand"/> takes <paramref name="req"/> in the Responses API as it came.</summary>
    public static bool Serves(Candidate cand, ParsedRequest req) =>
        req.ClientBody is not null && req.Dialect is ResponsesDialect && cand.Backend is { ServesResponses: true };

    /// <inheritdoc />
    public HttpRequestMessage Build(RouteContext rc, Candidate cand, TimeProvider time, out AnthropicStreamTranslator? upstreamStream)
    {
        ArgumentNullException.ThrowIfNull(rc);
        ArgumentNullException.ThrowIfNull(cand);
        upstreamStream = null;
        var backend = cand.Backend ?? throw new InvalidOperationException("native Responses forwarding needs a backend");
        var body = (JsonObject)rc.Request.ClientBody!.DeepClone();
        body["model"] = cand.UpstreamModel;
        body["store"] = false;
        var req = new HttpRequestMessage(HttpMethod.Post, UpstreamUris.For(backend, backend.Url, Path)) { Content = new ByteArrayContent(JsonBytes.Serialize(body)) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (rc.Snapshot.BackendKeys.TryGetValue(backend.Name, out var key) && key is not null)
        {
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        req.Headers.TryAddWithoutValidation("X-Request-Id", rc.RequestId);
        return req;
    }

    /// <inheritdoc />
    public byte[] ToChatCompletion(byte[] body, RouteContext rc, TimeProvider time) => body;

    /// <inheritdoc />
    public byte[] ToOpenAIError(byte[] body, int status) => OpenAIChatOutbound.NormalizeError(body, status);
}
