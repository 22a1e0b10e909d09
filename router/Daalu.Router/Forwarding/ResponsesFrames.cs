using System.Buffers;

namespace Daalu.Router.Forwarding;

/// <summary>
/// The identity stream translation for an upstream that speaks the client's own Responses API: each upstream frame
/// ("event: TYPE" line, "data: JSON" line) goes to the client as it came, ended by a blank line. Frames that only
/// announce the response (<see cref="ResponsesEventKind.Lifecycle"/>) are held until the first output frame is written,
/// because vLLM sends them before the prompt is scheduled; the sequence number of the last frame read numbers the
/// error event that ends a stream broken after its first frame. One instance per relayed stream.
/// </summary>
internal sealed class ResponsesFrames
{
    private static readonly byte[] FrameEnd = "\n\n"u8.ToArray();
    private byte[]? _eventLine;
    private List<byte[]>? _held;

    /// <summary>The sequence_number of the last frame read (counted on when a frame has none), -1 before any.</summary>
    public long Sequence { get; private set; } = -1;

    /// <summary>Keeps an "event:" line until its data line arrives.</summary>
    public void OnEventLine(ReadOnlySpan<byte> line) => _eventLine = line.ToArray();

    /// <summary>Reads a data line's payload and advances the sequence.</summary>
    public ResponsesEvent Read(ReadOnlySpan<byte> payload)
    {
        var ev = ResponsesStreamEvents.Read(payload);
        Sequence = ev.SequenceNumber >= 0 ? ev.SequenceNumber : Sequence + 1;
        return ev;
    }

    /// <summary>Holds the frame ending in <paramref name="dataLine"/> until <see cref="Write"/>.</summary>
    public void Hold(ReadOnlySpan<byte> dataLine)
    {
        var buffer = new ArrayBufferWriter<byte>(dataLine.Length + 64);
        WriteFrame(buffer, dataLine);
        (_held ??= []).Add(buffer.WrittenSpan.ToArray());
    }

    /// <summary>Writes the held frames, then the frame ending in <paramref name="dataLine"/>.</summary>
    public void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> dataLine)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_held is not null)
        {
            foreach (var frame in _held)
            {
                output.Write(frame);
            }

            _held = null;
        }

        WriteFrame(output, dataLine);
    }

    /// <summary>The error event that ends a stream broken after its first frame, numbered after the last one read.</summary>
    public void WriteError(IBufferWriter<byte> output, string message) => ResponsesStreamEvents.WriteError(output, message, Sequence + 1);

    private void WriteFrame(IBufferWriter<byte> output, ReadOnlySpan<byte> dataLine)
    {
        if (_eventLine is not null)
        {
            output.Write(_eventLine);
            output.Write("\n"u8);
            _eventLine = null;
        }

        output.Write(dataLine);
        output.Write(FrameEnd);
    }
}
