using Daalu.Router.Translation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Daalu.Router.Forwarding;

/// <summary>
/// The one place a routed call's status, route headers and error bodies are written, in the client's own API: an
/// OpenAI error for Chat Completions and Responses, Anthropic's <c>{"type":"error",...}</c> for Messages.
/// </summary>
public static class ResponseWriter
{
    /// <summary>Sets the four route headers; called before the response starts.</summary>
    public static void SetRouteHeaders(HttpContext ctx, string tier, string backend, string model, IReadOnlyList<string> route)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (ctx.Response.HasStarted)
        {
            return;
        }

        var h = ctx.Response.Headers;
        h["X-Daalu-Tier"] = tier;
        h["X-Daalu-Backend"] = backend;
        h["X-Daalu-Model"] = model;
        h["X-Daalu-Route"] = route.Count == 0 ? "none" : string.Join(", ", route);
    }

    /// <summary>Starts a served JSON answer: 200, its type and length (the body follows once the call is metered).</summary>
    public static void BeginJson(HttpContext ctx, long length)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = length;
    }

    /// <summary>
    /// Starts a served event stream: 200, <c>text/event-stream</c>, no caching, and no buffering here or in a proxy in
    /// front (buffering breaks SSE). Nothing is flushed: the headers leave with the first event.
    /// </summary>
    public static void BeginEventStream(HttpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-cache";
        ctx.Response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>
    /// Writes a started JSON answer's body. The call is already metered and billed, so a client that leaves while it is
    /// written is not an error here.
    /// </summary>
    public static async Task WriteBodyBestEffortAsync(HttpContext ctx, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
    }

    /// <summary>Writes an error as the whole response, in the dialect's shape (OpenAI's when <paramref name="dialect"/> is null).</summary>
    public static Task WriteErrorAsync(HttpContext ctx, IInboundDialect? dialect, int status, string type, string? code, string message, string? param = null)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return dialect is null
            ? OpenAIError.WriteAsync(ctx, status, type, code, message, param)
            : WriteBodyAsync(ctx, status, dialect.Error(status, type, code, message, param));
    }

    /// <summary>Writes an OpenAI-shaped error body (an upstream's, normalised) as the whole response, re-shaped for the dialect.</summary>
    public static Task WriteErrorBodyAsync(HttpContext ctx, IInboundDialect? dialect, int status, byte[] openAiErrorBody)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(openAiErrorBody);
        return WriteBodyAsync(ctx, status, dialect is null ? openAiErrorBody : dialect.ReshapeError(status, openAiErrorBody));
    }

    private static async Task WriteBodyAsync(HttpContext ctx, int status, byte[] body)
    {
        if (ctx.Response.HasStarted)
        {
            return;
        }

        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }
}
