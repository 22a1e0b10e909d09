using System.Net;
using System.Net.Sockets;

namespace Daalu.Router.Forwarding;

/// <summary>
/// The one pooled HTTP client for upstream calls: SocketsHttpHandler with no proxy, redirects, cookies or
/// decompression, TCP NoDelay, and a connect timeout taken per request (policies differ).
/// </summary>
public sealed class UpstreamClient : IDisposable
{
    /// <summary>Request option carrying the connect timeout in milliseconds.</summary>
    public static readonly HttpRequestOptionsKey<int> ConnectTimeoutMs = new("daalu.connectTimeoutMs");

    /// <summary>The connect timeout of a request that carries no <see cref="ConnectTimeoutMs"/> (a policy's default).</summary>
    public const int DefaultConnectTimeoutMs = 2000;

    /// <summary>Creates the client.</summary>
    public UpstreamClient()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
            ConnectCallback = ConnectAsync,
        };
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>The invoker (returns as soon as response headers arrive; bodies are streamed).</summary>
    public HttpMessageInvoker Invoker { get; }

    /// <inheritdoc/>
    public void Dispose() => Invoker.Dispose();

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var ms = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutMs, out var v) ? v : DefaultConnectTimeoutMs;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(ms);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cts.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ConnectTimeoutException($"connect to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} timed out after {ms} ms");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
