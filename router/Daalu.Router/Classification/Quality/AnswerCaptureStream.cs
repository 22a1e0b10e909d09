namespace Daalu.Router.Classification.Quality;

/// <summary>
/// A response body that passes every write through to the client unchanged and keeps a copy of the first
/// <see cref="Limit"/> bytes for the quality watch. Installed only on sampled requests, so the others pay nothing.
/// </summary>
public sealed class AnswerCaptureStream(Stream inner) : Stream
{
    /// <summary>Bytes kept at most.</summary>
    public const int Limit = 64 * 1024;

    private readonly MemoryStream _copy = new();

    /// <summary>The stream the client reads.</summary>
    public Stream Inner { get; } = inner;

    /// <summary>What was kept.</summary>
    public ReadOnlyMemory<byte> Captured => _copy.GetBuffer().AsMemory(0, (int)_copy.Length);

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override void Flush() => Inner.Flush();

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Inner.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Keep(buffer);
        Inner.Write(buffer);
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Keep(buffer.Span);
        return Inner.WriteAsync(buffer, cancellationToken);
    }

    private void Keep(ReadOnlySpan<byte> buffer)
    {
        var room = Limit - (int)_copy.Length;
        if (room > 0)
        {
            _copy.Write(buffer[..Math.Min(room, buffer.Length)]);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _copy.Dispose();
        }

        base.Dispose(disposing);
    }
}
