using System.Buffers;

namespace Daalu.Router.Forwarding;

/// <summary>Reads an upstream answer's whole body under a size limit (error bodies and non-streamed answers).</summary>
internal static class UpstreamBody
{
    /// <summary>
    /// Reads the body; throws <see cref="IOException"/> when it is longer than <paramref name="limit"/> or shorter than
    /// its Content-Length.
    /// </summary>
    public static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage resp, int limit, CancellationToken ct)
    {
        await using var s = await resp.Content.ReadAsStreamAsync(ct);
        if (resp.Content.Headers.ContentLength is { } length && length <= limit)
        {
            // The usual answer (vLLM sends Content-Length): read it straight into its array, with no growing copy. The
            // handler's stream ends at Content-Length (and hands the connection back there); a short body is an
            // EndOfStreamException, an IOException like any other broken body.
            var body = new byte[length];
            await s.ReadExactlyAsync(body, ct);
            return body;
        }

        using var ms = new MemoryStream();
        var buf = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int n;
            while ((n = await s.ReadAsync(buf, ct)) > 0)
            {
                ms.Write(buf, 0, n);
                if (ms.Length > limit)
                {
                    throw new IOException("upstream body too large");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }

        return ms.ToArray();
    }
}
