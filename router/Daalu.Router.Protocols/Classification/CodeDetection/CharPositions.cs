using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// The positions of one character (or of an identifier mark: '_' or an ASCII capital) in a span, ascending: the same
/// positions a loop of <c>IndexOf</c> calls from each found position plus one visits, but found 16 characters at a
/// time with one vector compare and walked as bits, so a long line of prose with a '.' every 70 characters or a
/// capital every 35 costs a pass over its characters instead of one search call per occurrence (which the profile of
/// a 7 KB paragraph showed as most of the line pass's time). Use with <c>foreach</c>.
/// </summary>
internal ref struct CharPositions
{
    private const int Block = 16;

    private readonly ReadOnlySpan<char> _text;

    // The character looked for; '\0' for the identifier marks ('_' or 'A'-'Z').
    private readonly char _char;

    // The next block starts here; the bits of the current block are relative to _base.
    private int _next;
    private int _base;
    private uint _bits;

    private CharPositions(ReadOnlySpan<char> text, char c)
    {
        _text = text;
        _char = c;
        Current = -1;
    }

    /// <summary>The position of the current occurrence.</summary>
    public int Current { get; private set; }

    /// <summary>Every position of <paramref name="c"/> in <paramref name="text"/>.</summary>
    public static CharPositions Of(ReadOnlySpan<char> text, char c) => new(text, c);

    /// <summary>Every position of a '_' or an ASCII capital letter in <paramref name="text"/>.</summary>
    public static CharPositions OfIdentifierMarks(ReadOnlySpan<char> text) => new(text, '\0');

    /// <summary>The enumerator (this).</summary>
    public readonly CharPositions GetEnumerator() => this;

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

    // One bit per character of the block at `at` (at most Block characters, fewer at the end of the text).
    private readonly uint Mask(int at)
    {
        var length = _text.Length;
        if (Vector256.IsHardwareAccelerated && length >= Block)
        {
            // The last block is loaded ending at the text's end, overlapping the previous one; the overlap is shifted out.
            var load = Math.Min(at, length - Block);
            ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(_text));
            var v = Vector256.LoadUnsafe(ref first, (nuint)load);
            var hits = _char == '\0'
                ? Vector256.LessThanOrEqual(v - Vector256.Create((ushort)'A'), Vector256.Create((ushort)25)) | Vector256.Equals(v, Vector256.Create((ushort)'_'))
                : Vector256.Equals(v, Vector256.Create((ushort)_char));
            return hits.ExtractMostSignificantBits() >> (at - load);
        }

        var bits = 0u;
        var end = Math.Min(length, at + Block);
        for (var i = at; i < end; i++)
        {
            var c = _text[i];
            if (_char == '\0' ? c == '_' || char.IsAsciiLetterUpper(c) : c == _char)
            {
                bits |= 1u << (i - at);
            }
        }

        return bits;
    }
}
