using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// Code detection verdicts of earlier turns, so a conversation pays for scanning each turn about once: a chat client
/// or an agent loop resends every earlier turn with each call, and only the newest one is new. Keyed by 128 bits of
/// a SHA-256 of the text (no text is kept; a collision that could hide code is out of practical reach). Bounded: at
/// <see cref="Capacity"/> entries it starts over. Thread-safe.
/// </summary>
public sealed class SegmentVerdicts
{
    /// <summary>Verdicts kept at most.</summary>
    public const int Capacity = 100_000;

    /// <summary>Texts shorter than this are scanned every time (hashing would cost about as much).</summary>
    public const int MinLength = 32;

    private readonly ConcurrentDictionary<(ulong, ulong), CodeSignal> _verdicts = new();

    /// <summary>Verdicts held.</summary>
    public int Count => _verdicts.Count;

    /// <summary>The text's verdict, from the cache or from <see cref="CodeDetector.Detect"/> (then remembered).</summary>
    public CodeSignal Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < MinLength)
        {
            return CodeDetector.Detect(text);
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(MemoryMarshal.AsBytes(text.AsSpan()), digest);
        var key = (MemoryMarshal.Read<ulong>(digest), MemoryMarshal.Read<ulong>(digest[8..]));
        if (_verdicts.TryGetValue(key, out var known))
        {
            return known;
        }

        var signal = CodeDetector.Detect(text);
        if (_verdicts.Count >= Capacity)
        {
            _verdicts.Clear();
        }

        _verdicts[key] = signal;
        return signal;
    }
}
