using System.Buffers;
using System.IO.Pipelines;

namespace Daalu.Router.Forwarding;

/// <summary>Reads SSE lines from an upstream body without allocating per line; each read is bounded by an idle timeout.</summary>
internal sealed class SseLineReader(Stream stream) : IAsyncDisposable
{
    private readonly PipeReader _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
    private ReadOnlySequence<byte> _buffer;
    private bool _haveBuffer;
    private bool _completed;
    private byte[] _line = new byte[4096];

    // Where the next '\n' in _buffer is, once looked for: HasBufferedLine and the read that follows it share one scan.
    private SequencePosition? _newline;
    private bool _newlineKnown;

    /// <summary>Whether the next line is already buffered, so reading it will not wait on the upstream.</summary>
    public bool HasBufferedLine => _haveBuffer && NextNewline() is not null;

    /// <summary>Next line without its terminator, or null at end of stream. The memory is valid until the next call.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            if (_haveBuffer)
            {
                if (NextNewline() is { } p)
                {
                    var slice = _buffer.Slice(0, p);
                    var len = (int)slice.Length;
                    if (_line.Length < len)
                    {
                        _line = new byte[Math.Max(len, _line.Length * 2)];
                    }

                    slice.CopyTo(_line);
                    _buffer = _buffer.Slice(_buffer.GetPosition(1, p));
                    _newlineKnown = false;
                    if (len > 0 && _line[len - 1] == (byte)'\r')
                    {
                        len--;
                    }

                    return _line.AsMemory(0, len);
                }

                _reader.AdvanceTo(_buffer.Start, _buffer.End);
                _haveBuffer = false;
                if (_completed)
                {
                    return null;
                }
            }

            var result = await _reader.ReadAsync(ct);
            _buffer = result.Buffer;
            _haveBuffer = true;
            _newlineKnown = false;
            _completed = result.IsCompleted;
            if (_completed && NextNewline() is null)
            {
                _reader.AdvanceTo(_buffer.End);
                _haveBuffer = false;
                return null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_haveBuffer)
        {
            _reader.AdvanceTo(_buffer.Start, _buffer.End);
            _haveBuffer = false;
        }

        await _reader.CompleteAsync();
    }

    private SequencePosition? NextNewline()
    {
        if (!_newlineKnown)
        {
            _newline = _buffer.PositionOf((byte)'\n');
            _newlineKnown = true;
        }

        return _newline;
    }
}
