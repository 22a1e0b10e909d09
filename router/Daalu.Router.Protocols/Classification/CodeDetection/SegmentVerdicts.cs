using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// Code detection verdicts of earlier turns, so a conversation pays for scanning each turn about once: a chat client
/// or an agent loop resends every earlier turn with each call, and only the newest one is new. Keyed by the 128-bit
/// XXH128 of the text under a seed drawn at random per process (no text is kept). XXH128 is not a cryptographic hash:
/// it was SHA-256 until a profile showed three SHA-256 digests of a short chat's earlier turns cost more than scanning
/// them (about 4 us against 0.2 us, hack/bench ContentClassification). Without the secret seed a collision cannot be
/// aimed at, and the detector guards against pasting code by accident, not against a user set on hiding it (who can
/// already rename or encode it). Bounded: at <see cref="Capacity"/> entries it starts over. Thread-safe.
/// </summary>
public sealed class SegmentVerdicts
{
    /// <summary>Verdicts kept at most.</summary>
    public const int Capacity = 100_000;

    /// <summary>Texts shorter than this are scanned every time (hashing would cost about as much).</summary>
    public const int MinLength = 32;

    private static readonly long Seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    private readonly ConcurrentDictionary<UInt128, CodeSignal> _verdicts = new();

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

        var key = XxHash128.HashToUInt128(MemoryMarshal.AsBytes(text.AsSpan()), Seed);
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
