using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Router.Planning;
using Daalu.Router.Translation;

namespace Daalu.Router.Forwarding;

/// <summary>
/// Outbound to an OpenAI-compatible server (vLLM, OpenAI, llama.cpp...): the chat, completions or embeddings body is
/// forwarded as the client sent it (the client's bytes when nothing changes), with the upstream model and, for
/// streams, <c>stream_options.include_usage</c> so streamed calls are metered exactly. Answers and errors are already
/// in OpenAI's shape; errors are only normalised (vLLM's flat error to the nested one).
/// </summary>
internal sealed class OpenAIChatOutbound : IOutboundDialect
{
    public static readonly OpenAIChatOutbound Instance = new();

    /// <inheritdoc />
    public bool AnswersInClientApi => false;

    /// <inheritdoc/>
    public string Api => "openai";

    /// <inheritdoc />
    public bool PassesErrorBodies => true;

    /// <inheritdoc />
    public HttpRequestMessage Build(RouteContext rc, Candidate cand, TimeProvider time, out AnthropicStreamTranslator? upstreamStream)
    {
        ArgumentNullException.ThrowIfNull(rc);
        ArgumentNullException.ThrowIfNull(cand);
        upstreamStream = null;
        var needsUsage = rc.Request.Stream && rc.Request.Features.Endpoint != RequestFeatures.Embeddings && !rc.Request.ClientWantsUsage;
        byte[] bytes;
        if (rc.Request.Raw is { } raw && string.Equals(cand.UpstreamModel, rc.Request.Model, StringComparison.Ordinal)
            && (!needsUsage || TryAddUsageOption(raw, rc.Request.HasStreamOptions, out raw)))
        {
            // Nothing else to rewrite: forward the client's bytes (plus the usage option) instead of serialising the
            // parsed tree again (the request has no tree then: none is built).
            bytes = raw;
        }
        else
        {
            var body = rc.Request.Body;
            body["model"] = cand.UpstreamModel;
            if (needsUsage)
            {
                // Ask for usage upstream so streamed calls are metered exactly; the extra chunk is dropped since the client did not ask.
                var so = body["stream_options"] as JsonObject ?? [];
                so["include_usage"] = true;
                body["stream_options"] = so;
            }

            bytes = JsonBytes.Serialize(body);
        }

        Uri url;
        string? key;
        if (cand.Backend is { } b)
        {
            url = UpstreamUris.For(b, b.Url, rc.Path);
            rc.Snapshot.BackendKeys.TryGetValue(b.Name, out key);
        }
        else
        {
            // A provider's base URL already ends in its version ("https://api.openai.com/v1").
            var config = cand.Provider!.Config;
            url = UpstreamUris.For(config, config.BaseUrl, rc.Path switch
            {
                "/v1/chat/completions" => "/chat/completions",
                "/v1/completions" => "/completions",
                "/v1/embeddings" => "/embeddings",
                _ => rc.Path["/v1".Length..],
            });
            key = cand.Provider.ApiKey;
        }

        var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (key is not null)
        {
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        req.Headers.TryAddWithoutValidation("X-Request-Id", rc.RequestId);
        return req;
    }

    private static readonly byte[] UsageOption = ",\"stream_options\":{\"include_usage\":true}"u8.ToArray();

    // Appends "stream_options":{"include_usage":true} to the client's JSON object when it has no stream_options of its
    // own (the parser has checked the bytes are one valid JSON object with a model, so the last non-space byte is its
    // '}' and a property comes before it).
    private static bool TryAddUsageOption(byte[] raw, bool hasStreamOptions, out byte[] spliced)
    {
        spliced = raw;
        var end = raw.AsSpan().LastIndexOf((byte)'}');
        if (hasStreamOptions || end < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> option = UsageOption;
        spliced = new byte[raw.Length + option.Length];
        raw.AsSpan(0, end).CopyTo(spliced);
        option.CopyTo(spliced.AsSpan(end));
        raw.AsSpan(end).CopyTo(spliced.AsSpan(end + option.Length));
        return true;
    }

    /// <inheritdoc />
    public byte[] ToChatCompletion(byte[] body, RouteContext rc, TimeProvider time) => body;

    /// <inheritdoc />
    public byte[] ToOpenAIError(byte[] body, int status) => NormalizeError(body, status);

    /// <summary>An upstream error body in OpenAI's nested shape (vLLM also sends a flat one).</summary>
    public static byte[] NormalizeError(byte[] body, int status)
    {
        // vLLM has two error shapes (nested and a flat {"object":"error",...}); clients expect the nested OpenAI one.
        try
        {
            var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }) as JsonObject;
            if (node is not null && node["error"] is JsonObject)
            {
                return body;
            }

            if (node is not null && node["message"]?.GetValueKind() == JsonValueKind.String)
            {
                return OpenAIError.Build(node["type"]?.GetValueKind() == JsonValueKind.String ? node["type"]!.GetValue<string>() : "invalid_request_error",
                    status.ToString(CultureInfo.InvariantCulture), node["message"]!.GetValue<string>());
            }

            // vLLM's --api-key middleware ({"error": "Unauthorized"}), FastAPI/Starlette ({"detail": "Not Found"} or a
            // validation list), llama.cpp and Ollama variants: the upstream's own words, in the OpenAI shape.
            var words = node?["error"] ?? node?["detail"];
            if (words is not null)
            {
                return OpenAIError.Build("invalid_request_error", status.ToString(CultureInfo.InvariantCulture),
                    $"upstream {status}: {(words.GetValueKind() == JsonValueKind.String ? words.GetValue<string>() : words.ToJsonString())}");
            }
        }
        catch (JsonException)
        {
            var text = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 1024))).Trim();
            if (text.Length > 0)
            {
                return OpenAIError.Build("invalid_request_error", status.ToString(CultureInfo.InvariantCulture), $"upstream {status}: {text}");
            }
        }

        return OpenAIError.Build("invalid_request_error", status.ToString(CultureInfo.InvariantCulture), $"upstream answered {status} with an empty body");
    }
}
