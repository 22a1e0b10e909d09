using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Daalu.Bench.Stub.Client;

/// <summary>A piece of a response body and the Stopwatch timestamp of the receive that brought it.</summary>
internal delegate void BodyPiece(long received, ReadOnlySpan<byte> piece);

/// <summary>
/// One kept-alive HTTP/1.1 connection driven by blocking socket calls on the caller's thread, for measurements one
/// request at a time. HttpClient's async machinery (a thread-pool hop per read, its connection pool) added ±200 us of
/// noise to time-to-first-token, more than the differences being measured; here a request is one send and the reads
/// that follow, timed at the moment each receive returns. Parses what the targets send: Content-Length or chunked
/// bodies, and Connection: close (the next request reconnects).
/// </summary>
internal sealed class BlockingHttpConnection : IDisposable
{
    private readonly IPEndPoint _endpoint;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Socket? _socket;
    private int _start;
    private int _end;
    private long _received; // Stopwatch timestamp of the last receive that returned data

    public BlockingHttpConnection(Uri url)
    {
        _endpoint = new IPEndPoint(url.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(url.Host.Trim('[', ']')), url.Port);
    }

    /// <summary>The bytes of one POST of <paramref name="body"/> to <paramref name="url"/>, built once and sent many times.</summary>
    public static byte[] Post(Uri url, IEnumerable<(string Name, string Value)> headers, byte[] body)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    /// <summary>
    /// Sends <paramref name="request"/> and reads the whole response; <paramref name="onBody"/> sees each piece of the
    /// (de-chunked) body with the timestamp of the receive that brought it. Returns the status code.
    /// </summary>
    public int Send(byte[] request, BodyPiece? onBody = null)
    {
        if (_socket is null)
        {
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            _socket.Connect(_endpoint);
            _start = _end = 0;
        }

        _socket.Send(request);
        var (status, contentLength, chunked, close) = ReadHead();
        if (chunked)
        {
            ReadChunked(onBody);
        }
        else if (contentLength >= 0)
        {
            ReadExactly(contentLength, onBody);
        }
        else
        {
            // No length: the body runs to the end of the connection.
            while (Receive() > 0)
            {
                Deliver(_end - _start, onBody);
            }

            close = true;
        }

        if (close)
        {
            Dispose();
        }

        return status;
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _socket = null;
    }

    private (int Status, long ContentLength, bool Chunked, bool Close) ReadHead()
    {
        int headEnd;
        while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (Receive() == 0)
            {
                throw new IOException("connection closed before the response headers");
            }
        }

        var head = Encoding.ASCII.GetString(_buffer, _start, headEnd);
        _start += headEnd + 4;
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].AsSpan(9, 3), CultureInfo.InvariantCulture);
        long length = -1;
        bool chunked = false, close = false;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
            {
                length = long.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("connection", StringComparison.OrdinalIgnoreCase))
            {
                close = value.Equals("close", StringComparison.OrdinalIgnoreCase);
            }
        }

        return (status, length, chunked, close);
    }

    private void ReadChunked(BodyPiece? onBody)
    {
        while (true)
        {
            var size = (int)long.Parse(Encoding.ASCII.GetString(ReadLine()).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                // Trailers, if any, end with an empty line.
                while (ReadLine().Length > 0)
                {
                }

                return;
            }

            ReadExactly(size, onBody);
            if (ReadLine().Length != 0)
            {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private void ReadExactly(long count, BodyPiece? onBody)
    {
        while (count > 0)
        {
            if (_start == _end && Receive() == 0)
            {
                throw new IOException("connection closed inside a response body");
            }

            var n = (int)Math.Min(count, _end - _start);
            Deliver(n, onBody);
            count -= n;
        }
    }

    private void Deliver(int n, BodyPiece? onBody)
    {
        onBody?.Invoke(_received, _buffer.AsSpan(_start, n));
        _start += n;
    }

    private byte[] ReadLine()
    {
        int lf;
        while ((lf = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
        {
            if (Receive() == 0)
            {
                throw new IOException("connection closed inside a chunk header");
            }
        }

        var line = _buffer.AsSpan(_start, lf).ToArray();
        _start += lf + 2;
        return line;
    }

    // Appends what the socket has to the buffer (compacting first) and stamps the time the receive returned.
    private int Receive()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new IOException("a response line longer than the 64 KiB buffer");
        }

        var n = _socket!.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        _received = Stopwatch.GetTimestamp();
        _end += n;
        return n;
    }
}
