using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>The enumerator of <see cref="CharPositions"/>, specialised per test so each block is a few vector instructions.</summary>
internal ref struct CharPositions<TMatch>
    where TMatch : struct, ICharMatch
{
    private const int Block = 16;

    private readonly ReadOnlySpan<char> _text;
    private readonly char _char;

    // The next block starts here; the bits of the current block are relative to _base.
    private int _next;
    private int _base;
    private uint _bits;

    internal CharPositions(ReadOnlySpan<char> text, char c)
    {
        _text = text;
        _char = c;
        Current = -1;
    }

    /// <summary>The position of the current occurrence.</summary>
    public int Current { get; private set; }

    /// <summary>The enumerator (this).</summary>
    public readonly CharPositions<TMatch> GetEnumerator() => this;

    /// <summary>Moves to the next occurrence.</summary>
    public bool MoveNext()
    {
        while (_bits == 0)
        {
            if (_next >= _text.Length)
            {
                return false;
            }

            _base = _next;
            _bits = Mask(_next);
            _next += Block;
        }

        Current = _base + BitOperations.TrailingZeroCount(_bits);
        _bits &= _bits - 1;
        return true;
    }

    // One bit per position of the block at `at` (fewer than Block at the end of the text). A block whose neighbours a
    // vector would read outside the text (the first, when the test reads the character before; the last) is tested one
    // position at a time.
    private readonly uint Mask(int at)
    {
        var length = _text.Length;
        if (Vector256.IsHardwareAccelerated && (!TMatch.NeedsPrevious || at >= 1) && at + Block + (TMatch.NeedsNext ? 1 : 0) <= length)
        {
            ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(_text));
            return TMatch.Hits(ref first, at, _char).ExtractMostSignificantBits();
        }

        var bits = 0u;
        var end = Math.Min(length, at + Block);
        for (var i = at; i < end; i++)
        {
            if (TMatch.IsHit(_text, i, _char))
            {
                bits |= 1u << (i - at);
            }
        }

        return bits;
    }
}
