using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Daalu.TestDoubles.Anthropic;

/// <summary>
/// Stands for api.anthropic.com <c>POST /v1/messages</c> (Messages API, version header 2023-06-01), on a real
/// Kestrel socket at 127.0.0.1 and a free port.
/// <para>Like the real API it: answers 401 <c>authentication_error</c> for a missing or wrong <c>x-api-key</c>;
/// 400 <c>invalid_request_error</c> for a missing <c>anthropic-version</c>, a body that is not JSON, unknown
/// top-level fields, missing <c>max_tokens</c>, turns that do not alternate starting with user (see
/// <see cref="StrictAlternation"/>), <c>tool_result</c> blocks that do not answer the previous turn's
/// <c>tool_use</c> ids and <c>tool_use</c> ids left unanswered; answers non-streaming with a Message object and
/// streaming with the real event sequence (<c>message_start</c>, <c>content_block_start</c>, <c>ping</c>,
/// <c>content_block_delta</c> text_delta / input_json_delta, <c>content_block_stop</c>, <c>message_delta</c> with
/// stop_reason and cumulative usage, <c>message_stop</c>), each as <c>event:</c> + <c>data:</c> lines; truncates to
/// <c>max_tokens</c> with stop_reason <c>max_tokens</c>; and sends a <c>request-id</c> header.</para>
/// <para>It records every request (headers, body, the caller's <c>X-Request-Id</c>) with the usage it reported, and
/// injects faults (529, 429, 500, a dropped stream, an in-stream error event) from scripted replies.</para>
/// <para>Differences from the real service: no model list, token counts are estimated (about 4 characters per
/// token) unless scripted, and replies are scripted rather than generated.</para>
/// </summary>
public sealed class AnthropicDouble : IAsyncDisposable
{
    public const string DefaultApiKey = "sk-ant-double-key";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<AnthropicReply> _script = new();
    private readonly ConcurrentQueue<AnthropicRecordedRequest> _requests = new();

    private AnthropicDouble(WebApplication app, string apiKey)
    {
        _app = app;
        ApiKey = apiKey;
    }

    /// <summary>Scheme, host and port, no trailing slash: the client posts to <c>{BaseUrl}/v1/messages</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    public string ApiKey { get; }

    /// <summary>
    /// When true (the default) consecutive same-role turns and an assistant first turn are refused, as the API
    /// did before it started merging them; a translator that gets this right works with both behaviours.
    /// </summary>
    public bool StrictAlternation { get; set; } = true;

    /// <summary>Answer used when nothing is scripted.</summary>
    public AnthropicReply DefaultReply { get; set; } = AnthropicReply.Text("Hello from the Anthropic double.");

    /// <summary>Every request received, in arrival order (snapshot).</summary>
    public IReadOnlyList<AnthropicRecordedRequest> Requests => _requests.ToArray();

    public long TotalReportedInputTokens => _requests.Sum(r => r.ReportedInputTokens);

    public long TotalReportedOutputTokens => _requests.Sum(r => r.ReportedOutputTokens);

    public static async Task<AnthropicDouble> StartAsync(string apiKey = DefaultApiKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var service = new AnthropicDouble(app, apiKey);
        app.Run(service.HandleAsync);
        await app.StartAsync();
        service.BaseUrl = app.Urls.First().TrimEnd('/');
        return service;
    }

    /// <summary>Queues the answer to the next valid request (first in, first out).</summary>
    public void Enqueue(AnthropicReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _script.Enqueue(reply);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string rawBody;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            rawBody = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        JsonObject? body = null;
        try
        {
            body = JsonNode.Parse(rawBody) as JsonObject;
        }
        catch (JsonException)
        {
        }

        var record = new Recorder(request.Method, request.Path.Value ?? string.Empty, headers, rawBody, body,
            headers.TryGetValue("x-request-id", out var requestId) ? requestId : null);
        var requestIdHeader = AnthropicIds.New("req_");
        context.Response.Headers["request-id"] = requestIdHeader;

        try
        {
            if (!HttpMethods.IsPost(request.Method) || request.Path != "/v1/messages")
            {
                await WriteErrorAsync(context, record, 404, "not_found_error", "Not found", requestIdHeader);
                return;
            }

            if (!headers.TryGetValue("x-api-key", out var key) || key != ApiKey)
            {
                await WriteErrorAsync(context, record, 401, "authentication_error", "invalid x-api-key", requestIdHeader);
                return;
            }

            if (!headers.TryGetValue("anthropic-version", out var version) || string.IsNullOrWhiteSpace(version))
            {
                await WriteErrorAsync(context, record, 400, "invalid_request_error", "anthropic-version: header is required", requestIdHeader);
                return;
            }

            if (body is null)
            {
                await WriteErrorAsync(context, record, 400, "invalid_request_error", "There was an error parsing the body of your request as JSON.", requestIdHeader);
                return;
            }

            var validationError = AnthropicRequestValidator.Validate(body, StrictAlternation);
            if (validationError is not null)
            {
                await WriteErrorAsync(context, record, 400, "invalid_request_error", validationError, requestIdHeader);
                return;
            }

            var reply = _script.TryDequeue(out var scripted) ? scripted : DefaultReply;
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, context.RequestAborted);
            }

            switch (reply.Fault)
            {
                case AnthropicFault.Overloaded:
                    await WriteErrorAsync(context, record, 529, "overloaded_error", "Overloaded", requestIdHeader);
                    return;
                case AnthropicFault.RateLimited:
                    context.Response.Headers["retry-after"] = "1";
                    await WriteErrorAsync(context, record, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit.", requestIdHeader);
                    return;
                case AnthropicFault.ServerError:
                    await WriteErrorAsync(context, record, 500, "api_error", "Internal server error", requestIdHeader);
                    return;
            }

            var stream = body["stream"] is JsonValue s && s.TryGetValue<bool>(out var streamFlag) && streamFlag;
            var answer = Answer.Build(body, reply);
            record.Streamed = stream;
            if (stream)
            {
                await StreamAsync(context, record, answer, reply);
            }
            else if (reply.Fault is AnthropicFault.DropMidStream or AnthropicFault.StreamErrorEvent)
            {
                record.StatusCode = 0;
                record.Faulted = true;
                context.Abort();
            }
            else
            {
                record.StatusCode = 200;
                record.InputTokens = answer.InputTokens;
                record.OutputTokens = answer.OutputTokens;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(answer.ToMessage().ToJsonString(), context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            record.Faulted = true;
        }
        finally
        {
            _requests.Enqueue(record.ToRecord());
        }
    }

    private static async Task StreamAsync(HttpContext context, Recorder record, Answer answer, AnthropicReply reply)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        record.StatusCode = 200;
        record.InputTokens = answer.InputTokens;

        var sent = 0;
        var faultAt = reply.Fault is AnthropicFault.DropMidStream or AnthropicFault.StreamErrorEvent ? reply.EventsBeforeFault : int.MaxValue;
        foreach (var (name, data) in answer.ToEvents(reply.StreamChunkChars))
        {
            if (sent == faultAt)
            {
                record.Faulted = true;
                if (reply.Fault == AnthropicFault.StreamErrorEvent)
                {
                    var error = new JsonObject
                    {
                        ["type"] = "error",
                        ["error"] = new JsonObject { ["type"] = "overloaded_error", ["message"] = "Overloaded" },
                    };
                    await WriteEventAsync(response, "error", error, context.RequestAborted);
                }
                else
                {
                    // A flush hands bytes to the transport, not to the wire; an immediate abort can reset the
                    // socket before the client saw anything, which would be a different fault (no first byte).
                    await Task.Delay(TimeSpan.FromMilliseconds(100), context.RequestAborted);
                    context.Abort();
                }

                return;
            }

            await WriteEventAsync(response, name, data, context.RequestAborted);
            if (name == "message_delta")
            {
                record.OutputTokens = answer.OutputTokens;
            }

            sent++;
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, string name, JsonObject data, CancellationToken cancellationToken)
    {
        await response.WriteAsync($"event: {name}\ndata: {data.ToJsonString()}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static async Task WriteErrorAsync(HttpContext context, Recorder record, int status, string type, string message, string requestId)
    {
        record.StatusCode = status;
        record.Error = message;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
            ["request_id"] = requestId,
        };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private sealed class Recorder(string method, string path, Dictionary<string, string> headers, string rawBody, JsonObject? body, string? requestId)
    {
        public int StatusCode { get; set; }

        public string? Error { get; set; }

        public bool Streamed { get; set; }

        public bool Faulted { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public AnthropicRecordedRequest ToRecord() => new()
        {
            Method = method,
            Path = path,
            Headers = headers,
            RawBody = rawBody,
            Body = body,
            RequestId = requestId,
            StatusCode = StatusCode,
            Error = Error,
            Streamed = Streamed,
            Faulted = Faulted,
            ReportedInputTokens = InputTokens,
            ReportedOutputTokens = OutputTokens,
        };
    }

    /// <summary>The message the double sends, after max_tokens truncation and usage estimation.</summary>
    private sealed class Answer
    {
        private Answer(string model, List<JsonObject> content, string stopReason, string? stopSequence, int inputTokens, int outputTokens, int cacheRead)
        {
            Model = model;
            Content = content;
            StopReason = stopReason;
            StopSequence = stopSequence;
            InputTokens = inputTokens;
            OutputTokens = outputTokens;
            CacheRead = cacheRead;
            Id = AnthropicIds.New("msg_");
        }

        public string Id { get; }

        public string Model { get; }

        public List<JsonObject> Content { get; }

        public string StopReason { get; }

        public string? StopSequence { get; }

        public int InputTokens { get; }

        public int OutputTokens { get; }

        public int CacheRead { get; }

        public static Answer Build(JsonObject request, AnthropicReply reply)
        {
            var maxTokens = request["max_tokens"]!.GetValue<int>();
            var content = reply.Content.Select(b => (JsonObject)b.DeepClone()).ToList();
            var stopReason = reply.StopReason;
            var estimated = content.Sum(EstimateTokens);
            if (reply.OutputTokens is null && estimated > maxTokens)
            {
                // Like the real API: generation stops at max_tokens, mid-text, and tool calls after that point never happen.
                var budgetChars = maxTokens * 4;
                var kept = new List<JsonObject>();
                foreach (var block in content)
                {
                    if (block["type"]?.GetValue<string>() != "text" || budgetChars <= 0)
                    {
                        break;
                    }

                    var text = block["text"]!.GetValue<string>();
                    block["text"] = text.Length > budgetChars ? text[..budgetChars] : text;
                    budgetChars -= text.Length;
                    kept.Add(block);
                }

                content = kept;
                stopReason = "max_tokens";
                estimated = maxTokens;
            }

            string? stopSequence = null;
            if (stopReason == "stop_sequence" && request["stop_sequences"] is JsonArray { Count: > 0 } sequences)
            {
                stopSequence = sequences[0]!.GetValue<string>();
            }

            var inputTokens = reply.InputTokens ?? Math.Max(1, CountChars(request) / 4);
            var outputTokens = reply.OutputTokens ?? Math.Max(1, estimated);
            return new Answer(request["model"]!.GetValue<string>(), content, stopReason, stopSequence, inputTokens, outputTokens, reply.CacheReadInputTokens);
        }

        public JsonObject ToMessage() => new()
        {
            ["id"] = Id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = Model,
            ["content"] = new JsonArray(Content.Select(b => (JsonNode)b.DeepClone()).ToArray()),
            ["stop_reason"] = StopReason,
            ["stop_sequence"] = StopSequence,
            ["usage"] = Usage(OutputTokens),
        };

        public IEnumerable<(string Name, JsonObject Data)> ToEvents(int chunkChars)
        {
            chunkChars = Math.Max(1, chunkChars);
            var start = ToMessage();
            start["content"] = new JsonArray();
            start["stop_reason"] = null;
            start["stop_sequence"] = null;
            start["usage"] = Usage(1);
            yield return ("message_start", new JsonObject { ["type"] = "message_start", ["message"] = start });

            for (var index = 0; index < Content.Count; index++)
            {
                var block = Content[index];
                var type = block["type"]!.GetValue<string>();
                var startBlock = type == "tool_use"
                    ? new JsonObject { ["type"] = "tool_use", ["id"] = block["id"]!.DeepClone(), ["name"] = block["name"]!.DeepClone(), ["input"] = new JsonObject() }
                    : new JsonObject { ["type"] = "text", ["text"] = string.Empty };
                yield return ("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = startBlock });
                if (index == 0)
                {
                    yield return ("ping", new JsonObject { ["type"] = "ping" });
                }

                if (type == "tool_use")
                {
                    // The API opens a tool block with an empty partial_json before the fragments.
                    yield return Delta(index, "input_json_delta", "partial_json", string.Empty);
                    foreach (var piece in Split(block["input"]!.ToJsonString(), chunkChars))
                    {
                        yield return Delta(index, "input_json_delta", "partial_json", piece);
                    }
                }
                else
                {
                    foreach (var piece in Split(block["text"]!.GetValue<string>(), chunkChars))
                    {
                        yield return Delta(index, "text_delta", "text", piece);
                    }
                }

                yield return ("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index });
            }

            yield return ("message_delta", new JsonObject
            {
                ["type"] = "message_delta",
                ["delta"] = new JsonObject { ["stop_reason"] = StopReason, ["stop_sequence"] = StopSequence },
                ["usage"] = new JsonObject { ["output_tokens"] = OutputTokens },
            });
            yield return ("message_stop", new JsonObject { ["type"] = "message_stop" });
        }

        private JsonObject Usage(int outputTokens) => new()
        {
            ["input_tokens"] = InputTokens,
            ["cache_creation_input_tokens"] = 0,
            ["cache_read_input_tokens"] = CacheRead,
            ["output_tokens"] = outputTokens,
        };

        private static (string, JsonObject) Delta(int index, string deltaType, string field, string value) =>
            ("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = index,
                ["delta"] = new JsonObject { ["type"] = deltaType, [field] = value },
            });

        private static IEnumerable<string> Split(string text, int size)
        {
            for (var i = 0; i < text.Length; i += size)
            {
                yield return text.Substring(i, Math.Min(size, text.Length - i));
            }
        }

        private static int EstimateTokens(JsonObject block) => block["type"]?.GetValue<string>() switch
        {
            "text" => (block["text"]!.GetValue<string>().Length + 3) / 4,
            "tool_use" => (block["input"]!.ToJsonString().Length + block["name"]!.GetValue<string>().Length + 3) / 4,
            _ => 0,
        };

        private static int CountChars(JsonObject request)
        {
            var total = request["system"]?.ToJsonString().Length ?? 0;
            total += request["messages"]!.ToJsonString().Length;
            total += request["tools"]?.ToJsonString().Length ?? 0;
            return total;
        }
    }
}
