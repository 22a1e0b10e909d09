namespace Daalu.TestDoubles.OpenAICompatible;

/// <summary>Faults a double injects into its completion/embedding endpoints. Settable while it runs.</summary>
public sealed class DoubleFaults
{
    private int _statusRemaining;

    /// <summary>Answer this status (with an OpenAI-shaped error body) instead of serving; null = serve normally.</summary>
    public int? Status { get; set; }

    /// <summary>How many requests get <see cref="Status"/>; negative = every request.</summary>
    public int StatusCount { get => Volatile.Read(ref _statusRemaining); set => Volatile.Write(ref _statusRemaining, value); }

    /// <summary>Error message for <see cref="Status"/> (e.g. "The model `x` does not exist." for 404).</summary>
    public string StatusMessage { get; set; } = "injected failure";

    /// <summary>Wait this long before sending any byte (headers included).</summary>
    public TimeSpan DelayBeforeFirstByte { get; set; }

    /// <summary>Abort the connection after this many streamed content chunks.</summary>
    public int? DropAfterChunks { get; set; }

    /// <summary>Stop sending (but keep the connection open) after this many streamed content chunks.</summary>
    public int? StallAfterChunks { get; set; }

    /// <summary>Delay between streamed chunks.</summary>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>Abort the connection after this many bytes of a non-streamed answer (its Content-Length says more).</summary>
    public int? TruncateBodyAfterBytes { get; set; }

    /// <summary>Clears every fault.</summary>
    public void Clear()
    {
        Status = null;
        StatusCount = 0;
        DelayBeforeFirstByte = TimeSpan.Zero;
        DropAfterChunks = null;
        StallAfterChunks = null;
        ChunkDelay = TimeSpan.Zero;
        TruncateBodyAfterBytes = null;
    }

    internal int? TakeStatus()
    {
        if (Status is not { } s)
        {
            return null;
        }

        while (true)
        {
            var n = StatusCount;
            if (n < 0)
            {
                return s;
            }

            if (n == 0)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref _statusRemaining, n - 1, n) == n)
            {
                return s;
            }
        }
    }
}
