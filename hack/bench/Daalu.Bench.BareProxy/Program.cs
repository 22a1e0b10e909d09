// The floor under the router: Kestrel in, one pooled HttpClient out, the upstream's bytes back (JSON buffered, SSE
// copied as it arrives). No auth, no parsing, no classification, no quota, no metering, no metrics. It stands for
// "what ASP.NET Core plus HttpClient cost on this machine", so hack/bench/floor.sh can say how much of the router's
// added latency and CPU is the platform and how much is the router's own work. Same Kestrel and SocketsHttpHandler
// settings as the router (server GC, no Server header, no proxy, TCP NoDelay); floor.sh runs it with the router's
// runtime environment (hack/bench/lib.sh).
// Usage: Daalu.Bench.BareProxy <upstream base url> [--urls http://127.0.0.1:port]
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

if (args.Length < 1)
{
    await Console.Error.WriteLineAsync("usage: Daalu.Bench.BareProxy <upstream base url> [--urls http://127.0.0.1:port]");
    return 2;
}

var upstream = args[0].TrimEnd('/');
// As the router: no appsettings reload, so no recursive file watcher on the working directory.
var builder = WebApplication.CreateSlimBuilder([.. args[1..], "--hostBuilder:reloadConfigOnChange=false"]);
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
builder.Logging.ClearProviders();
var app = builder.Build();
using var client = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    UseCookies = false,
    AutomaticDecompression = DecompressionMethods.None,
    ConnectCallback = async (ctx, ct) =>
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(ctx.DnsEndPoint, ct);
        return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
    },
});

app.MapPost("/v1/chat/completions", async (HttpContext ctx) =>
{
    using var body = new MemoryStream();
    await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted);
    using var req = new HttpRequestMessage(HttpMethod.Post, upstream + "/v1/chat/completions") { Content = new ByteArrayContent(body.ToArray()) };
    req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    using var resp = await client.SendAsync(req, ctx.RequestAborted);
    ctx.Response.StatusCode = (int)resp.StatusCode;
    ctx.Response.ContentType = resp.Content.Headers.ContentType?.ToString();
    if (resp.Content.Headers.ContentType?.MediaType == "text/event-stream")
    {
        await using var stream = await resp.Content.ReadAsStreamAsync(ctx.RequestAborted);
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer, ctx.RequestAborted)) > 0)
        {
            await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, n), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        }

        return;
    }

    var bytes = await resp.Content.ReadAsByteArrayAsync(ctx.RequestAborted);
    ctx.Response.ContentLength = bytes.Length;
    await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
});

await app.RunAsync();
return 0;
