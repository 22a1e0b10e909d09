using System.Text;
using Daalu.Router.Forwarding;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

/// <summary>The one writer of a routed call's status, route headers and bodies, on a bare <see cref="DefaultHttpContext"/> (no host).</summary>
public sealed class ResponseWriterTests
{
    [Fact]
    public async Task WriteBodyBestEffortAsync_ClientGoneMidWrite_SwallowedBecauseTheCallIsAlreadyBilled()
    {
        var ctx = new DefaultHttpContext();
        ctx.Response.Body = new BrokenStream();
        await ResponseWriter.WriteBodyBestEffortAsync(ctx, "{\"id\":\"x\"}"u8.ToArray());
        Assert.Equal(1, ((BrokenStream)ctx.Response.Body).Writes);
    }

    [Fact]
    public async Task WriteBodyBestEffortAsync_OpenClient_WritesTheBytesAsGiven()
    {
        var ctx = new DefaultHttpContext();
        var ms = new MemoryStream();
        ctx.Response.Body = ms;
        var body = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\"}"u8.ToArray();
        await ResponseWriter.WriteBodyBestEffortAsync(ctx, body);
        Assert.Equal(body, ms.ToArray());
    }

    [Fact]
    public async Task WriteErrorAsync_NoDialect_OpenAIShapeWithStatus()
    {
        var ctx = new DefaultHttpContext();
        var ms = new MemoryStream();
        ctx.Response.Body = ms;
        ResponseWriter.SetRouteHeaders(ctx, "none", "none", "m-general", []);
        await ResponseWriter.WriteErrorAsync(ctx, null, 503, "service_unavailable", "no_backend_available", "No tier could serve the request. Attempts: none");
        Assert.Equal(503, ctx.Response.StatusCode);
        Assert.Equal("none", ctx.Response.Headers["X-Daalu-Route"].ToString());
        var text = Encoding.UTF8.GetString(ms.ToArray());
        Assert.Contains("\"code\":\"no_backend_available\"", text, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"service_unavailable\"", text, StringComparison.Ordinal);
    }

    // A client connection reset while the body is written, as Kestrel reports it (an IOException from the body stream).
    private sealed class BrokenStream : Stream
    {
        public int Writes { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("connection reset");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            throw new IOException("connection reset");
        }
    }
}
