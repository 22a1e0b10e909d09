using System.Runtime.Intrinsics;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// The positions in a span, ascending, of one character (optionally only where a letter or digit, or a capital,
/// follows it) or of an identifier mark ('_', or a capital right after a lower-case letter): the positions a loop of
/// <c>IndexOf</c> calls from each found position plus one visits, less those the caller would skip at once, but found
/// 16 characters at a time with vector compares and walked as bits. A long line of prose with a '.' every 70
/// characters and a capital every 35 then costs one pass over its characters instead of one search call per
/// occurrence (which the profile of a 7 KB paragraph showed as most of the line pass's time). Use with <c>foreach</c>.
/// </summary>
internal static class CharPositions
{
    /// <summary>Every position of <paramref name="c"/> in <paramref name="text"/>.</summary>
    public static CharPositions<Exactly> Of(ReadOnlySpan<char> text, char c) => new(text, c);

    /// <summary>Every position of <paramref name="c"/> that an ASCII letter or digit follows.</summary>
    public static CharPositions<BeforeLetterOrDigitMatch> BeforeLetterOrDigit(ReadOnlySpan<char> text, char c) => new(text, c);

    /// <summary>Every position of <paramref name="c"/> that an ASCII capital follows.</summary>
    public static CharPositions<BeforeCapitalMatch> BeforeCapital(ReadOnlySpan<char> text, char c) => new(text, c);

    /// <summary>Every position of a '_', or of an ASCII capital right after an ASCII lower-case letter.</summary>
    public static CharPositions<IdentifierMarkMatch> OfIdentifierMarks(ReadOnlySpan<char> text) => new(text, '_');

    /// <summary>The character itself.</summary>
    internal readonly struct Exactly : ICharMatch
    {
        public static bool NeedsPrevious => false;

        public static bool NeedsNext => false;

        public static Vector256<ushort> Hits(ref ushort first, int at, char c) =>
            Vector256.Equals(Vector256.LoadUnsafe(ref first, (nuint)at), Vector256.Create((ushort)c));

        public static bool IsHit(ReadOnlySpan<char> text, int i, char c) => text[i] == c;
    }

    /// <summary>The character with an ASCII letter or digit after it.</summary>
    internal readonly struct BeforeLetterOrDigitMatch : ICharMatch
    {
        public static bool NeedsPrevious => false;

        public static bool NeedsNext => true;

        public static Vector256<ushort> Hits(ref ushort first, int at, char c) =>
            Vector256.Equals(Vector256.LoadUnsafe(ref first, (nuint)at), Vector256.Create((ushort)c)) &
            LetterOrDigit(Vector256.LoadUnsafe(ref first, (nuint)(at + 1)));

        public static bool IsHit(ReadOnlySpan<char> text, int i, char c) =>
            text[i] == c && i + 1 < text.Length && char.IsAsciiLetterOrDigit(text[i + 1]);
    }

    /// <summary>The character with an ASCII capital after it.</summary>
    internal readonly struct BeforeCapitalMatch : ICharMatch
    {
        public static bool NeedsPrevious => false;

        public static bool NeedsNext => true;

        public static Vector256<ushort> Hits(ref ushort first, int at, char c) =>
            Vector256.Equals(Vector256.LoadUnsafe(ref first, (nuint)at), Vector256.Create((ushort)c)) &
            Capital(Vector256.LoadUnsafe(ref first, (nuint)(at + 1)));

        public static bool IsHit(ReadOnlySpan<char> text, int i, char c) =>
            text[i] == c && i + 1 < text.Length && char.IsAsciiLetterUpper(text[i + 1]);
    }

    /// <summary>'_', or an ASCII capital right after an ASCII lower-case letter.</summary>
    internal readonly struct IdentifierMarkMatch : ICharMatch
    {
        public static bool NeedsPrevious => true;

        public static bool NeedsNext => false;

        public static Vector256<ushort> Hits(ref ushort first, int at, char c)
        {
            var v = Vector256.LoadUnsafe(ref first, (nuint)at);
            return Vector256.Equals(v, Vector256.Create((ushort)'_')) | (Capital(v) & Lower(Vector256.LoadUnsafe(ref first, (nuint)(at - 1))));
        }

        public static bool IsHit(ReadOnlySpan<char> text, int i, char c) =>
            text[i] == '_' || (char.IsAsciiLetterUpper(text[i]) && i > 0 && char.IsAsciiLetterLower(text[i - 1]));
    }

    private static Vector256<ushort> Capital(Vector256<ushort> v) =>
        Vector256.LessThanOrEqual(v - Vector256.Create((ushort)'A'), Vector256.Create((ushort)25));

    private static Vector256<ushort> Lower(Vector256<ushort> v) =>
        Vector256.LessThanOrEqual(v - Vector256.Create((ushort)'a'), Vector256.Create((ushort)25));

    private static Vector256<ushort> LetterOrDigit(Vector256<ushort> v) =>
        Vector256.LessThanOrEqual((v | Vector256.Create((ushort)0x20)) - Vector256.Create((ushort)'a'), Vector256.Create((ushort)25)) |
        Vector256.LessThanOrEqual(v - Vector256.Create((ushort)'0'), Vector256.Create((ushort)9));
}
