using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daalu.TestDoubles.OpenAICompatible;

/// <summary>
/// Shared wire behaviour of an OpenAI-compatible server (the shapes in shared/VLLM.md): /v1/models,
/// /v1/chat/completions (JSON and SSE, with usage only when stream_options.include_usage is set, tool calls when the
/// request offers tools), /v1/completions and /v1/embeddings. Runs on 127.0.0.1 with a real Kestrel listener, records
/// every request, and injects faults. Subclasses add what differs between vLLM and OpenAI.
/// </summary>
public abstract class OpenAICompatibleDouble : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private WebApplication? _app;
    private int _port;

    /// <summary>Creates a double serving <paramref name="models"/>.</summary>
    protected OpenAICompatibleDouble(string name, IEnumerable<string> models)
    {
        Name = name;
        Models = [.. models];
    }

    /// <summary>Name, used in answers ("answer from NAME").</summary>
    public string Name { get; }

    /// <summary>Served model ids (settable: /v1/models reflects changes).</summary>
    public List<string> Models { get; set; }

    /// <summary>Faults to inject.</summary>
    public DoubleFaults Faults { get; } = new();

    /// <summary>Content chunks per streamed answer (= completion tokens).</summary>
    public int Chunks { get; set; } = 5;

    /// <summary>
    /// Content of a non-streamed chat answer, chosen from the request body (a judge's one-digit rating, a malformed
    /// answer); null from the function, or no function, answers the default "answer from {name}: tok0 ...". vLLM puts
    /// the generated text of a max_tokens=1 request in choices[0].message.content like any other (docs.vllm.ai,
    /// OpenAI-Compatible Server).
    /// </summary>
    public Func<string, string?>? ChatReply { get; set; }

    /// <summary>http://127.0.0.1:port (no trailing slash).</summary>
    public string BaseUrl => $"http://127.0.0.1:{_port}";

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Requests to completion/embedding endpoints only.</summary>
    public IReadOnlyList<RecordedRequest> Calls => [.. _requests.Where(r => r.Path.StartsWith("/v1/", StringComparison.Ordinal) && r.Path != "/v1/models")];

    /// <summary>Starts listening on a free port (or the given one, for restarts).</summary>
    public async Task StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        Map(_app);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _port = new Uri(address).Port;
    }

    /// <summary>Stops listening: connections are refused until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _app.StopAsync(cts.Token);
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public Task RestartAsync() => StartAsync(_port);

    /// <summary>Forgets recorded requests.</summary>
    public void ClearRequests() => _requests.Clear();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Maps the endpoints; subclasses add theirs.</summary>
    protected virtual void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/v1/models", (HttpContext c) => Guarded(c, ModelsAsync));
        app.MapPost("/v1/chat/completions", (HttpContext c) => Guarded(c, ctx => ServeAsync(ctx, "chat")));
        app.MapPost("/v1/completions", (HttpContext c) => Guarded(c, ctx => ServeAsync(ctx, "completions")));
        app.MapPost("/v1/embeddings", (HttpContext c) => Guarded(c, ctx => ServeAsync(ctx, "embeddings")));
    }

    /// <summary>Checks the caller (OpenAI requires a key); return false after writing a response to refuse.</summary>
    protected virtual Task<bool> AuthorizeAsync(HttpContext context) => Task.FromResult(true);

    /// <summary>Writes an error in this server's shape.</summary>
    protected virtual Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorEnvelope(new ErrorBody(message, type, null, status)), DoublesJsonContext.Default.ErrorEnvelope);
    }

    /// <summary>The owned_by of listed models.</summary>
    protected abstract string OwnedBy { get; }

    private async Task Guarded(HttpContext c, Func<HttpContext, Task> next)
    {
        if (await AuthorizeAsync(c))
        {
            await next(c);
        }
    }

    private async Task ModelsAsync(HttpContext c)
    {
        Record(c, "", null, false, 0, 0, true, false);
        var created = 1732000000;
        var data = Models.Select(m => new ModelEntry(m, "model", created, OwnedBy, m, null, 32768,
            [new ModelPermission("modelperm-" + Guid.NewGuid().ToString("N"), "model_permission", created, false, true, true, false, true, false, "*", null, false)])).ToArray();
        await c.Response.WriteAsJsonAsync(new ModelList("list", data), DoublesJsonContext.Default.ModelList);
    }

    private async Task ServeAsync(HttpContext c, string kind)
    {
        using var reader = new StreamReader(c.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(c.RequestAborted);
        string? model = null;
        var stream = false;
        var includeUsage = false;
        var hasTools = false;
        var inputs = 1;
        var base64 = false;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
                && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
            hasTools = root.TryGetProperty("tools", out var t) && t.ValueKind == JsonValueKind.Array && t.GetArrayLength() > 0;
            inputs = root.TryGetProperty("input", out var inp) && inp.ValueKind == JsonValueKind.Array && inp.GetArrayLength() > 0
                && inp[0].ValueKind != JsonValueKind.Number ? inp.GetArrayLength() : 1;
            base64 = root.TryGetProperty("encoding_format", out var ef) && ef.ValueKind == JsonValueKind.String && ef.GetString() == "base64";
        }
        catch (JsonException)
        {
            Record(c, body, null, false, 0, 0, false, false);
            await WriteErrorAsync(c, 400, "BadRequestError", "invalid JSON body");
            return;
        }

        if (Faults.DelayBeforeFirstByte > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Faults.DelayBeforeFirstByte, c.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                Record(c, body, model, stream, 0, 0, false, true);
                return;
            }
        }

        if (Faults.TakeStatus() is { } status)
        {
            Record(c, body, model, stream, 0, 0, false, false);
            await WriteErrorAsync(c, status, status == 404 ? "NotFoundError" : status == 429 ? "RateLimitError" : status >= 500 ? "InternalServerError" : "BadRequestError", Faults.StatusMessage);
            return;
        }

        if (model is null || !Models.Contains(model))
        {
            Record(c, body, model, stream, 0, 0, false, false);
            await WriteErrorAsync(c, 404, "NotFoundError", $"The model `{model}` does not exist.");
            return;
        }

        var promptTokens = Math.Max(1, Encoding.UTF8.GetByteCount(body) / 4);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        if (kind == "embeddings")
        {
            Record(c, body, model, false, promptTokens, 0, true, false);
            var emb = $"{{\"object\":\"list\",\"data\":[{string.Join(",", Enumerable.Range(0, inputs).Select(i => EmbeddingItem(i, base64)))}],\"model\":\"{model}\",\"usage\":{{\"prompt_tokens\":{promptTokens},\"total_tokens\":{promptTokens}}}}}";
            await WriteJsonBodyAsync(c, emb);
            return;
        }

        if (!stream)
        {
            var text = string.Join("", Enumerable.Range(0, Chunks).Select(i => $"tok{i} "));
            var message = hasTools && kind == "chat"
                ? "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}"
                : ChatReply?.Invoke(body) is { } reply && kind == "chat"
                    ? $"{{\"role\":\"assistant\",\"content\":{JsonSerializer.Serialize(reply, DoublesJsonContext.Default.String)}}}"
                    : $"{{\"role\":\"assistant\",\"content\":\"answer from {Name}: {text}\"}}";
            var finish = hasTools && kind == "chat" ? "tool_calls" : "stop";
            var choice = kind == "chat"
                ? $"{{\"index\":0,\"message\":{message},\"logprobs\":null,\"finish_reason\":\"{finish}\"}}"
                : $"{{\"index\":0,\"text\":\"answer from {Name}: {text}\",\"logprobs\":null,\"finish_reason\":\"stop\"}}";
            var obj = kind == "chat" ? "chat.completion" : "text_completion";
            var json = string.Create(CultureInfo.InvariantCulture, $"{{\"id\":\"{id}\",\"object\":\"{obj}\",\"created\":{created},\"model\":\"{model}\",\"choices\":[{choice}],\"usage\":{{\"prompt_tokens\":{promptTokens},\"completion_tokens\":{Chunks},\"total_tokens\":{promptTokens + Chunks}}}}}");
            Record(c, body, model, false, promptTokens, Chunks, true, false);
            await WriteJsonBodyAsync(c, json);
            return;
        }

        c.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        c.Response.ContentType = "text/event-stream";
        c.Response.Headers.CacheControl = "no-cache";
        var sent = 0;
        try
        {
            await c.Response.StartAsync(c.RequestAborted);
            var chatObj = kind == "chat" ? "chat.completion.chunk" : "text_completion";
            string Chunk(string choice) => $"data: {{\"id\":\"{id}\",\"object\":\"{chatObj}\",\"created\":{created},\"model\":\"{model}\",\"choices\":[{choice}]}}\n\n";
            if (kind == "chat")
            {
                await c.Response.WriteAsync(Chunk("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}"), c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
            }

            for (var i = 0; i < Chunks; i++)
            {
                if (Faults.ChunkDelay > TimeSpan.Zero)
                {
                    await Task.Delay(Faults.ChunkDelay, c.RequestAborted);
                }

                if (Faults.DropAfterChunks is { } drop && sent >= drop)
                {
                    Record(c, body, model, true, 0, 0, false, false);
                    c.Abort();
                    return;
                }

                if (Faults.StallAfterChunks is { } stall && sent >= stall)
                {
                    await Task.Delay(Timeout.Infinite, c.RequestAborted);
                }

                string choice;
                if (kind != "chat")
                {
                    choice = $"{{\"index\":0,\"text\":\"tok{i} \",\"logprobs\":null,\"finish_reason\":null}}";
                }
                else if (hasTools)
                {
                    choice = i == 0
                        ? "{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"logprobs\":null,\"finish_reason\":null}"
                        : $"{{\"index\":0,\"delta\":{{\"tool_calls\":[{{\"index\":0,\"function\":{{\"arguments\":\"{(i == 1 ? "{\\\"city\\\":" : i == 2 ? "\\\"Paris\\\"}" : "")}\"}}}}]}},\"logprobs\":null,\"finish_reason\":null}}";
                }
                else
                {
                    choice = $"{{\"index\":0,\"delta\":{{\"content\":\"tok{i} \"}},\"logprobs\":null,\"finish_reason\":null}}";
                }

                await c.Response.WriteAsync(Chunk(choice), c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
                sent++;
            }

            var finishReason = kind == "chat" && hasTools ? "tool_calls" : "stop";
            var final = kind == "chat"
                ? $"{{\"index\":0,\"delta\":{{}},\"logprobs\":null,\"finish_reason\":\"{finishReason}\"}}"
                : "{\"index\":0,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"stop\"}";
            await c.Response.WriteAsync(Chunk(final), c.RequestAborted);
            if (includeUsage)
            {
                await c.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                    $"data: {{\"id\":\"{id}\",\"object\":\"{chatObj}\",\"created\":{created},\"model\":\"{model}\",\"choices\":[],\"usage\":{{\"prompt_tokens\":{promptTokens},\"completion_tokens\":{Chunks},\"total_tokens\":{promptTokens + Chunks}}}}}\n\n"), c.RequestAborted);
            }

            await c.Response.WriteAsync("data: [DONE]\n\n", c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
            Record(c, body, model, true, includeUsage ? promptTokens : 0, includeUsage ? Chunks : 0, true, false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            Record(c, body, model, true, 0, 0, false, true);
        }
    }

    // One vector per input, in input order (an array of strings or of token arrays is a batch; a flat token array is one
    // input). encoding_format "base64" is the float32 vector's little-endian bytes in base64, as vLLM's pooling output
    // encoder writes it (vllm/entrypoints/openai serving: encoding_format Literal["float", "base64"], embed_dtype
    // float32 by default); the openai npm SDK asks for base64 when the caller sets no format and decodes it.
    private static string EmbeddingItem(int index, bool base64)
    {
        float[] vector = [0.1f + index, 0.2f, 0.3f];
        string value;
        if (base64)
        {
            var bytes = new byte[vector.Length * sizeof(float)];
            for (var i = 0; i < vector.Length; i++)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
            }

            value = "\"" + Convert.ToBase64String(bytes) + "\"";
        }
        else
        {
            value = "[" + string.Join(",", vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{{\"object\":\"embedding\",\"index\":{index},\"embedding\":{value}}}");
    }

    // A whole JSON answer goes out with its Content-Length, as vLLM's (uvicorn's) JSONResponse sends it. With
    // TruncateBodyAfterBytes the connection dies after that many bytes of it: an upstream crashing mid-answer.
    private async Task WriteJsonBodyAsync(HttpContext c, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        c.Response.ContentType = "application/json";
        c.Response.ContentLength = bytes.Length;
        if (Faults.TruncateBodyAfterBytes is { } cut && cut < bytes.Length)
        {
            await c.Response.Body.WriteAsync(bytes.AsMemory(0, cut), c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
            c.Abort();
            return;
        }

        await c.Response.Body.WriteAsync(bytes, c.RequestAborted);
    }

    /// <summary>Records one request and what was reported back for it.</summary>
    protected void Record(HttpContext c, string body, string? model, bool stream, long prompt, long completion, bool completed, bool cancelled)
    {
        var headers = c.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        _requests.Enqueue(new RecordedRequest(c.Request.Headers["X-Request-Id"].ToString(), c.Request.Path.Value ?? "", headers, body, model, stream, prompt, completion, completed, cancelled));
    }
}
