namespace Daalu.Bench.Stub.Client;

/// <summary>A line of a response body, without its newline.</summary>
internal delegate void LineHandler(ReadOnlySpan<byte> line);

/// <summary>Cuts a body that arrives in pieces into lines; a line split across pieces is held until its newline comes.</summary>
internal sealed class SseLineSplitter
{
    private byte[] _partial = new byte[1024];
    private int _partialLength;

    public void Feed(ReadOnlySpan<byte> piece, LineHandler onLine)
    {
        int newline;
        while ((newline = piece.IndexOf((byte)'\n')) >= 0)
        {
            if (_partialLength > 0)
            {
                Append(piece[..newline]);
                onLine(_partial.AsSpan(0, _partialLength));
                _partialLength = 0;
            }
            else
            {
                onLine(piece[..newline]);
            }

            piece = piece[(newline + 1)..];
        }

        Append(piece);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_partialLength + bytes.Length > _partial.Length)
        {
            Array.Resize(ref _partial, Math.Max(_partial.Length * 2, _partialLength + bytes.Length));
        }

        bytes.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength += bytes.Length;
    }
}
