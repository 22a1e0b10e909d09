using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Daalu.Bench.Stub.Server;

/// <summary>
/// Stands for one vLLM OpenAI-compatible server (vllm serve) with an engine that answers instantly: the same
/// routes, JSON shapes, SSE framing and Prometheus metrics (see shared/VLLM.md), with none of the model. It is the
/// fixed far end of the router benchmark, so it is written to cost as little CPU per request as possible:
/// precomputed bodies, one forward scan of the request JSON, no routing table, no logging.
/// </summary>
internal static class StubServer
{
    private const long MaxBodyBytes = 4 * 1024 * 1024;
    private static readonly StringValues Json = "application/json";
    private static readonly StringValues EventStream = "text/event-stream; charset=utf-8";
    private static readonly StringValues TextPlain = "text/plain; version=0.0.4; charset=utf-8";
    private static readonly StringValues NoCache = "no-cache";

    public static async Task<int> RunAsync(string[] args)
    {
        StubOptions options;
        try
        {
            options = StubOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"stub: {e.Message}");
            return 2;
        }

        var payloads = options.Models.Select(m => new StubPayloads(m.Name, m.GapMicros, options.MaxTokens)).ToArray();
        var models = Encoding.UTF8.GetBytes($"{{\"object\":\"list\",\"data\":[{string.Join(',', payloads.Select(p => p.ModelEntry))}]}}");
        var metrics = new StubMetrics(options.Models[0].Name, options.MaxNumSeqs);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.Limits.MaxConcurrentConnections = null;
            k.Listen(IPAddress.Loopback, options.Port);
        });
        await using var app = builder.Build();
        app.Run(ctx => HandleAsync(ctx, options, payloads, models, metrics));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"listening {address}");
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static Task HandleAsync(HttpContext ctx, StubOptions options, StubPayloads[] payloads, byte[] models, StubMetrics metrics)
    {
        var path = ctx.Request.Path.Value;
        var method = ctx.Request.Method;
        if (path == "/v1/chat/completions" && HttpMethods.IsPost(method))
        {
            return ChatAsync(ctx, options, payloads, metrics);
        }

        if (HttpMethods.IsGet(method))
        {
            switch (path)
            {
                case "/v1/models":
                    return WriteAsync(ctx.Response, 200, Json, models);
                case "/metrics":
                    return WriteAsync(ctx.Response, 200, TextPlain, Encoding.UTF8.GetBytes(metrics.Render()));
                case "/health":
                    ctx.Response.StatusCode = 200;
                    ctx.Response.ContentLength = 0;
                    return Task.CompletedTask;
                default:
                    break;
            }
        }

        // FastAPI's answer for an unknown route.
        return WriteAsync(ctx.Response, 404, Json, "{\"detail\":\"Not Found\"}"u8.ToArray());
    }

    private static async Task ChatAsync(HttpContext ctx, StubOptions options, StubPayloads[] models, StubMetrics metrics)
    {
        var started = Stopwatch.GetTimestamp();
        var reader = ctx.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync();
            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var body = read.Buffer;
        var bodyLength = body.Length;
        var shape = ChatRequestShape.Read(body, models);
        reader.AdvanceTo(body.End);
        if (!shape.Valid)
        {
            await WriteErrorAsync(ctx.Response, 400, "BadRequestError", shape.Error!);
            return;
        }

        if (shape.Model < 0)
        {
            await WriteErrorAsync(ctx.Response, 404, "NotFoundError", "The model does not exist.");
            return;
        }

        if (shape.MaxTokens > options.MaxTokens)
        {
            await WriteErrorAsync(ctx.Response, 400, "BadRequestError", $"max_tokens must be at most {options.MaxTokens}.");
            return;
        }

        var payloads = models[shape.Model];
        var tokens = shape.MaxTokens > 0 ? shape.MaxTokens : options.DefaultTokens;
        var length = shape.MaxTokens > 0;

        // vLLM counts prompt tokens with the model's tokenizer; about four bytes of JSON per token is close enough
        // for metering to see a plausible, deterministic number.
        var promptTokens = (int)Math.Min(int.MaxValue, (bodyLength / 4) + 1);
        metrics.Started();
        if (!shape.Stream)
        {
            // The engine's time for the whole completion: prefill, then one gap per further token.
            var engineMicros = options.FirstTokenMicros + ((long)payloads.GapMicros * (tokens - 1));
            if (engineMicros > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMicroseconds(engineMicros), ctx.RequestAborted);
                }
                catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
                {
                    metrics.Aborted(promptTokens, 0);
                    return;
                }
            }

            var prefix = payloads.CompletionPrefix(tokens, length);
            var total = (long)promptTokens + tokens;
            var resp = ctx.Response;
            resp.StatusCode = 200;
            resp.Headers.ContentType = Json;
            resp.ContentLength = prefix.Length + StubPayloads.DigitCount(promptTokens) + StubPayloads.TotalTokens.Length
                + StubPayloads.DigitCount(total) + StubPayloads.CompletionTokens.Length + StubPayloads.DigitCount(tokens)
                + StubPayloads.CompletionEnd.Length;
            var w = resp.BodyWriter;
            w.Write(prefix);
            StubPayloads.WriteInt(w, promptTokens);
            w.Write(StubPayloads.TotalTokens);
            StubPayloads.WriteInt(w, total);
            w.Write(StubPayloads.CompletionTokens);
            StubPayloads.WriteInt(w, tokens);
            w.Write(StubPayloads.CompletionEnd);
            await w.FlushAsync();
            metrics.Finished(promptTokens, tokens, length, ElapsedMicros(started));
            return;
        }

        await StreamAsync(ctx, options, payloads, metrics, shape, tokens, length, promptTokens, started);
    }

    private static async Task StreamAsync(
        HttpContext ctx, StubOptions options, StubPayloads payloads, StubMetrics metrics, ChatRequestShape shape, int tokens, bool length, int promptTokens, long started)
    {
        var resp = ctx.Response;
        resp.StatusCode = 200;
        resp.Headers.ContentType = EventStream;
        resp.Headers.CacheControl = NoCache;
        var w = resp.BodyWriter;
        var aborted = ctx.RequestAborted;
        var sent = 0;
        try
        {
            if (options.FirstTokenMicros > 0)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(options.FirstTokenMicros), aborted);
            }

            w.Write(payloads.RoleEvent);
            for (var i = 0; i < tokens; i++)
            {
                w.Write(i == tokens - 1 ? payloads.LastTokenEvent(i, length) : payloads.TokenEvent(i));
                var last = i == tokens - 1;
                if (last)
                {
                    // vLLM sends the usage event, then [DONE], in the same breath as the last token.
                    if (shape.IncludeUsage)
                    {
                        var total = (long)promptTokens + tokens;
                        w.Write(payloads.UsagePrefix);
                        StubPayloads.WriteInt(w, promptTokens);
                        w.Write(StubPayloads.TotalTokens);
                        StubPayloads.WriteInt(w, total);
                        w.Write(StubPayloads.CompletionTokens);
                        StubPayloads.WriteInt(w, tokens);
                        w.Write(StubPayloads.UsageEventEnd);
                    }

                    w.Write(StubPayloads.Done);
                }

                var flush = await w.FlushAsync(aborted);
                sent = i + 1;
                if (flush.IsCanceled || flush.IsCompleted)
                {
                    break;
                }

                if (!last && payloads.GapMicros > 0)
                {
                    await Task.Delay(TimeSpan.FromMicroseconds(payloads.GapMicros), aborted);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            metrics.Aborted(promptTokens, sent);
            return;
        }

        if (sent == tokens)
        {
            metrics.Finished(promptTokens, tokens, length, ElapsedMicros(started));
        }
        else
        {
            metrics.Aborted(promptTokens, sent);
        }
    }

    private static long ElapsedMicros(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;

    // vLLM's newer error shape: {"error":{"message","type","param","code"}}.
    private static Task WriteErrorAsync(HttpResponse resp, int status, string type, string message) =>
        WriteAsync(resp, status, Json, Encoding.UTF8.GetBytes(
            $"{{\"error\":{{\"message\":\"{JsonEncodedText.Encode(message)}\",\"type\":\"{type}\",\"param\":null,\"code\":{status}}}}}"));

    private static Task WriteAsync(HttpResponse resp, int status, StringValues contentType, byte[] body)
    {
        resp.StatusCode = status;
        resp.Headers.ContentType = contentType;
        resp.ContentLength = body.Length;
        return resp.Body.WriteAsync(body, 0, body.Length);
    }
}
