using System.Runtime.Intrinsics;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>What <see cref="CharPositions{TMatch}"/> finds: a vector test of 16 positions and the same test of one.</summary>
internal interface ICharMatch
{
    /// <summary>Whether the test reads the character before a position.</summary>
    static abstract bool NeedsPrevious { get; }

    /// <summary>Whether the test reads the character after a position.</summary>
    static abstract bool NeedsNext { get; }

    /// <summary>The test of the 16 positions from <paramref name="at"/> (all lanes set where it holds).</summary>
    static abstract Vector256<ushort> Hits(ref ushort first, int at, char c);

    /// <summary>The test of position <paramref name="i"/>.</summary>
    static abstract bool IsHit(ReadOnlySpan<char> text, int i, char c);
}
