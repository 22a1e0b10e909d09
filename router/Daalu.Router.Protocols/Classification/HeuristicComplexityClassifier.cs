using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Daalu.Router.Classification;

/// <summary>
/// A keyword-and-shape heuristic that rates a request 1..3 without allocating: vectorized Contains /
/// <see cref="SearchValues{T}"/> checks for the shape, then one vectorized word-start pass for the keywords that
/// stops as soon as the rating cannot change any more; no Regex. Thread-safe and stateless.
/// <para>Scoring (points are summed; only the first <see cref="ScanLimit"/> characters of the last user text are scanned,
/// its full length still counts):</para>
/// <list type="bullet">
/// <item>Code: a fenced block (<c>```</c>) +3; otherwise code-like markers (<c>def </c>, <c>#include</c>, <c>=&gt;</c>,
/// <c>();</c>, <c>traceback</c> ...): one +1, two or more +2.</item>
/// <item>Math: math words or LaTeX (<c>prove</c>, <c>derive</c>, <c>integral</c>, <c>\frac</c>, <c>$$</c> ...): one +2, two or more +3;
/// math symbols (<c>∑ ∫ √ ≤ π</c> ...) +1; the math total is capped at +3.</item>
/// <item>Multi-step or analytical phrasing (<c>step by step</c>, <c>first, ... then</c>, <c>compare</c>, <c>design</c>,
/// <c>trade-off</c>, <c>refactor</c>, <c>explain</c> ...): one +2, two or three +3, four or more +5.</item>
/// <item>Enumerated requirements: lines starting with <c>1.</c>, <c>2)</c>, <c>- </c>, <c>* </c>: two +1, three or more +2.</item>
/// <item>Length of the last user text: 400+ chars +1, 1500+ +2, 4000+ +3.</item>
/// <item>Context: total text 12000+ chars +1; 10+ messages +1; tools offered +1; images +1.</item>
/// </list>
/// <para>Rating: 0-1 points = 1, 2-4 = 2, 5+ = 3. A short factual question (at most 160 chars, no code, math or
/// multi-step signal, starting like "what is / who / when / how many ..." or ending with '?') is 1 whatever the context.</para>
/// </summary>
public sealed class HeuristicComplexityClassifier : IComplexityClassifier
{
    /// <summary>Bound on the characters scanned, so a 100 KB prompt costs the same as a 4 KB one.</summary>
    public const int ScanLimit = 4096;

    private const int ShortQuestionLength = 160;

    // The lowest score rated 3.
    private const int HardScore = 5;

    private static readonly (string Text, Signal Kind)[] Keywords =
    [
        ("def ", Signal.Code), ("console.", Signal.Code), ("printf", Signal.Code), ("public static", Signal.Code),
        ("function(", Signal.Code), ("select * ", Signal.Code), ("import ", Signal.Code), ("fn main", Signal.Code),
        ("let mut", Signal.Code), ("async def", Signal.Code), ("await ", Signal.Code), ("traceback", Signal.Code),
        ("stack trace", Signal.Code), ("segfault", Signal.Code), ("null pointer", Signal.Code),
        ("nullreferenceexception", Signal.Code), ("undefined is not", Signal.Code), ("syntaxerror", Signal.Code),
        ("regex", Signal.Code),
        ("prove", Signal.Math), ("proof", Signal.Math), ("derive", Signal.Math), ("derivation", Signal.Math),
        ("integral", Signal.Math), ("derivative", Signal.Math), ("differential", Signal.Math), ("equation", Signal.Math),
        ("theorem", Signal.Math), ("lemma", Signal.Math), ("induction", Signal.Math), ("eigen", Signal.Math),
        ("matrix", Signal.Math), ("probability", Signal.Math), ("limit of", Signal.Math), ("solve for", Signal.Math),
        ("step by step", Signal.MultiStep), ("step-by-step", Signal.MultiStep), ("first,", Signal.MultiStep),
        ("then ", Signal.MultiStep), ("after that", Signal.MultiStep), ("finally", Signal.MultiStep),
        ("compare", Signal.MultiStep), ("analyze", Signal.MultiStep), ("analyse", Signal.MultiStep),
        ("trade-off", Signal.MultiStep), ("tradeoff", Signal.MultiStep), ("pros and cons", Signal.MultiStep),
        ("design", Signal.MultiStep), ("architect", Signal.MultiStep), ("optimize", Signal.MultiStep),
        ("optimise", Signal.MultiStep), ("refactor", Signal.MultiStep), ("debug", Signal.MultiStep),
        ("implement", Signal.MultiStep), ("evaluate", Signal.MultiStep), ("explain", Signal.MultiStep),
        ("in detail", Signal.MultiStep), ("plan ", Signal.MultiStep), ("strategy", Signal.MultiStep),
        ("critique", Signal.MultiStep), ("multi-step", Signal.MultiStep), ("walk me through", Signal.MultiStep),
    ];

    // Keyword indexes by first letter, and by first letter and second character: MatchAt only compares the
    // keywords a word can start with.
    private static readonly int[][] KeywordsByFirstLetter = BuildIndex();

    private static readonly int[][] KeywordsByFirstTwo = BuildTwoLetterIndex();

    private const int PrefixFilterBits = 12;
    private const ulong NonAsciiBits = 0xFF80_FF80_FF80_FF80UL;
    private const ulong AsciiCaseBits = 0x0020_0020_0020_0020UL;

    private static readonly ulong[] PrefixFilter = BuildPrefixFilter();

    private static readonly string[] CodePunctuation = ["=>", "();", "};", "()", "std::", "#include"];

    private static readonly SearchValues<string> CodePunctuationSearch = SearchValues.Create(CodePunctuation, StringComparison.Ordinal);

    private static readonly string[] LatexMarkers = ["\\frac", "\\sum", "\\int", "\\sqrt", "\\begin{", "$$", "\\("];

    private static readonly SearchValues<char> LatexStarts = SearchValues.Create("\\$");

    private static readonly SearchValues<char> MathSymbols = SearchValues.Create("∑∫√≤≥≠∞∂πθλ∀∃∈⊂±×÷^");

    private static readonly SearchValues<char> ListItemStarts = SearchValues.Create("-*•0123456789");

    // The line breaks of MemoryExtensions.EnumerateLines: CR, LF, FF, NEL, LS, PS (CRLF is CR then LF).
    private static readonly SearchValues<char> LineBreaks = SearchValues.Create("\r\n\f\u0085\u2028\u2029");

    private static readonly string[] FactualOpeners =
    [
        "what is", "what's", "what are", "who ", "when ", "where ", "which ", "how many", "how much", "how old",
        "define ", "is ", "are ", "does ", "do ", "can ", "translate ", "name ",
    ];

    public int Rate(in ComplexityInput input)
    {
        var fullText = (input.LastUserText ?? string.Empty).AsSpan().Trim();
        var text = fullText.Length > ScanLimit ? fullText[..ScanLimit] : fullText;

        // Everything but the keyword counts first: every rule only adds points as keyword hits grow, so once these
        // plus the hits so far reach the "hard" score, more keywords cannot change the rating and the scan stops
        // (a 6 KB coding prompt with a fenced block is hard before its first keyword). Not when the text might be a
        // short factual question, whose rating depends on there being no signal at all.
        var shape = ReadShape(text, fullText.Length, input);
        var mayBeShortFactual = IsShortFactual(text);
        var counts = CountKeywords(text, in shape, stopWhenHard: !mayBeShortFactual);
        var code = CodePoints(in shape, counts.Code);
        var math = MathPoints(in shape, counts.Math);
        var multiStep = MultiStepPoints(counts.MultiStep);

        if (code == 0 && math == 0 && multiStep == 0 && mayBeShortFactual)
        {
            return 1;
        }

        return (code + math + multiStep + shape.OtherPoints) switch
        {
            <= 1 => 1,
            <= 4 => 2,
            _ => 3,
        };
    }

    private static Shape ReadShape(ReadOnlySpan<char> text, int fullLength, in ComplexityInput input)
    {
        var fence = text.Contains("```", StringComparison.Ordinal);
        var codeMarkers = 0;
        if (!fence && text.ContainsAny(CodePunctuationSearch))
        {
            foreach (var marker in CodePunctuation)
            {
                if (text.Contains(marker, StringComparison.Ordinal) && ++codeMarkers >= 2)
                {
                    break;
                }
            }
        }

        var latexMarkers = 0;
        if (text.ContainsAny(LatexStarts))
        {
            foreach (var marker in LatexMarkers)
            {
                if (text.Contains(marker, StringComparison.Ordinal) && ++latexMarkers >= 2)
                {
                    break;
                }
            }
        }

        var context = (input.TotalTextLength >= 12000 ? 1 : 0) + (input.MessageCount >= 10 ? 1 : 0) +
            (input.HasTools ? 1 : 0) + (input.HasImages ? 1 : 0);
        return new Shape(fence, codeMarkers, latexMarkers, text.ContainsAny(MathSymbols),
            ListPoints(text) + LengthPoints(fullLength) + context);
    }

    private static bool IsHard(in Shape shape, in KeywordCounts counts) =>
        CodePoints(in shape, counts.Code) + MathPoints(in shape, counts.Math) + MultiStepPoints(counts.MultiStep) + shape.OtherPoints >= HardScore;

    // Keywords only start at word starts (an ASCII letter not preceded by an ASCII letter or digit). Word starts are
    // found 16 characters at a time with vector compares; at each one the next four characters, ASCII-case-folded,
    // are tested against a Bloom filter of the keywords' first four characters, and only a hit (or a non-ASCII
    // character, which OrdinalIgnoreCase may fold: 'ſ' is 'S') pays for MatchAt. A match resumes the scan after the
    // keyword, so "step by step" is one hit, not two. The scan ends once every family is capped (code 2, math 2,
    // multi-step 4) or, with stopWhenHard, once the score is hard whatever follows. Families are not dropped one by
    // one: a keyword of a capped family still hides what starts inside it ("pros and cons" hides "console."), so
    // dropping one would change ratings.
    private static KeywordCounts CountKeywords(ReadOnlySpan<char> text, in Shape shape, bool stopWhenHard)
    {
        var counts = default(KeywordCounts);
        counts.Done = stopWhenHard && IsHard(in shape, in counts);
        var next = 0;
        var i = 0;
        var previousIsWordChar = false;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<ushort>.Count <= text.Length && !counts.Done; i += Vector256<ushort>.Count)
            {
                var block = Vector256.Create(MemoryMarshal.Cast<char, ushort>(text.Slice(i, Vector256<ushort>.Count)));
                var letters = Vector256.LessThan((block | Vector256.Create((ushort)0x20)) - Vector256.Create((ushort)'a'), Vector256.Create((ushort)26));
                var digits = Vector256.LessThan(block - Vector256.Create((ushort)'0'), Vector256.Create((ushort)10));
                var letterBits = letters.ExtractMostSignificantBits();
                var wordBits = letterBits | digits.ExtractMostSignificantBits();
                var starts = letterBits & ~((wordBits << 1) | (previousIsWordChar ? 1u : 0u));
                previousIsWordChar = (wordBits & (1u << (Vector256<ushort>.Count - 1))) != 0;
                while (starts != 0)
                {
                    var at = i + BitOperations.TrailingZeroCount(starts);
                    starts &= starts - 1;
                    if (at >= next && MayStartKeyword(text, at))
                    {
                        next = TryKeywordAt(text, at, next, ref counts);
                        counts.Done = counts.AllCapped || (stopWhenHard && IsHard(in shape, in counts));
                    }
                }
            }
        }

        for (; i < text.Length && !counts.Done; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetter(c) && !previousIsWordChar && i >= next && MayStartKeyword(text, i))
            {
                next = TryKeywordAt(text, i, next, ref counts);
                counts.Done = counts.AllCapped || (stopWhenHard && IsHard(in shape, in counts));
            }

            previousIsWordChar = char.IsAsciiLetterOrDigit(c);
        }

        return counts;
    }

    // The cheap test at every word start: false when the next four characters are ASCII and no keyword starts with
    // them in any letter case. Non-ASCII characters pass (OrdinalIgnoreCase folds 'ſ' to 'S'), as does a text end.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool MayStartKeyword(ReadOnlySpan<char> text, int at)
    {
        if (at + 4 > text.Length)
        {
            return true;
        }

        var four = MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(text.Slice(at, 4)));
        return (four & NonAsciiBits) != 0 || IsKeywordPrefix(four | AsciiCaseBits);
    }

    // `at` is a word start at or after `next`; counts the keyword there, if any, and returns where the scan may next
    // try one.
    private static int TryKeywordAt(ReadOnlySpan<char> text, int at, int next, ref KeywordCounts counts)
    {
        var rest = text[at..];
        var index = MatchAt(rest, (rest[0] | 0x20) - 'a');
        if (index < 0)
        {
            return next;
        }

        var (keyword, kind) = Keywords[index];
        switch (kind)
        {
            case Signal.Code:
                counts.Code++;
                break;
            case Signal.Math:
                counts.Math++;
                break;
            default:
                counts.MultiStep++;
                break;
        }

        return at + keyword.Length;
    }

    // Whether a keyword may start with these four (ASCII, case-folded) characters: a 4,096-bit Bloom filter of the
    // keywords' first four characters, so the test is one multiply and one bit; the few false positives cost a MatchAt.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsKeywordPrefix(ulong four)
    {
        var bit = PrefixBit(four);
        return (PrefixFilter[bit >> 6] & (1UL << (bit & 63))) != 0;
    }

    private static int PrefixBit(ulong four) => (int)((four * 0x9E3779B97F4A7C15UL) >> (64 - PrefixFilterBits));

    // Keywords are lower-case ASCII whose non-letters (' ', ',', '(', '*', '-', '.') already have bit 0x20 set, so
    // OR-ing 0x20 into each text character maps every case variant of a keyword prefix onto the prefix itself
    // (other characters may collide, which only costs a MatchAt that then fails).
    private static ulong[] BuildPrefixFilter()
    {
        var filter = new ulong[(1 << PrefixFilterBits) / 64];
        foreach (var (keyword, _) in Keywords)
        {
            if (keyword.Length < 4 || keyword.Any(c => !char.IsAscii(c) || (c | 0x20) != c))
            {
                throw new InvalidOperationException($"keyword '{keyword}' breaks the four-character prefix filter");
            }

            var bit = PrefixBit(MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(keyword.AsSpan(0, 4))));
            filter[bit >> 6] |= 1UL << (bit & 63);
        }

        return filter;
    }

    // The keyword-independent parts of the score. Marker counts stop at 2: no rule looks further.
    private readonly record struct Shape(bool Fence, int CodeMarkers, int LatexMarkers, bool MathSymbol, int OtherPoints);

    private struct KeywordCounts
    {
        public int Code;
        public int Math;
        public int MultiStep;

        // All families capped, or (when allowed) the rating is already 3.
        public bool Done;

        public readonly bool AllCapped => Code >= 2 && Math >= 2 && MultiStep >= 4;
    }

    // The first keyword (in table order) that `rest` starts with, ignoring case, or -1. `letter` is rest[0]'s
    // letter (0..25). Candidates are narrowed by the first two letters (all keywords with that first letter when the
    // second character is not ASCII, since OrdinalIgnoreCase folds e.g. 'ſ' to 'S'); only called where the prefix
    // filter passed, so the vectorized OrdinalIgnoreCase comparison is cheap enough.
    private static int MatchAt(ReadOnlySpan<char> rest, int letter)
    {
        if (rest.Length < 2)
        {
            return -1;
        }

        var second = rest[1];
        int[] candidates;
        if (char.IsAscii(second))
        {
            candidates = KeywordsByFirstTwo[(letter * 128) + AsciiLower(second)];
        }
        else
        {
            candidates = KeywordsByFirstLetter[letter];
        }

        foreach (var index in candidates)
        {
            if (rest.StartsWith(Keywords[index].Text, StringComparison.OrdinalIgnoreCase))
            {
                return index;
            }
        }

        return -1;
    }

    private static char AsciiLower(char c) => char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;

    private static int[][] BuildIndex()
    {
        var index = new int[26][];
        for (var letter = 0; letter < 26; letter++)
        {
            var first = (char)('a' + letter);
            index[letter] = Enumerable.Range(0, Keywords.Length).Where(k => Keywords[k].Text[0] == first).ToArray();
        }

        return index;
    }

    // [first letter * 128 + lower-cased ASCII second char] -> keyword indexes in table order. Keywords are
    // lower-case ASCII, so only the matching (letter, second) slot can hold a keyword an ASCII text starts with.
    private static int[][] BuildTwoLetterIndex()
    {
        var index = new int[26 * 128][];
        for (var slot = 0; slot < index.Length; slot++)
        {
            var (letter, second) = ((char)('a' + (slot / 128)), (char)(slot % 128));
            index[slot] = Enumerable.Range(0, Keywords.Length)
                .Where(k => Keywords[k].Text[0] == letter && Keywords[k].Text[1] == second)
                .ToArray();
        }

        return index;
    }

    // A fenced block is +3; otherwise keyword hits plus distinct code punctuation markers, capped at 2.
    private static int CodePoints(in Shape shape, int keywordHits) =>
        shape.Fence ? 3 : Math.Min(keywordHits + shape.CodeMarkers, 2);

    // Math words plus distinct LaTeX markers (which only count while there are fewer than two words): one +2, two
    // or more +3; a math symbol +1; capped at 3.
    private static int MathPoints(in Shape shape, int keywordHits)
    {
        var hits = keywordHits < 2 ? Math.Min(keywordHits + shape.LatexMarkers, 2) : keywordHits;
        var points = hits switch
        {
            0 => 0,
            1 => 2,
            _ => 3,
        };
        return Math.Min(points + (shape.MathSymbol ? 1 : 0), 3);
    }

    // Four or more distinct multi-step / analytical asks are a hard request on their own.
    private static int MultiStepPoints(int hits) => hits switch
    {
        0 => 0,
        1 => 2,
        2 or 3 => 3,
        _ => 5,
    };

    // A list item is a line whose first non-whitespace character starts "- ", "* ", "• " or 1-3 digits and '.' or
    // ')'. Instead of visiting every line, jump to the next character that can start an item; only the first such
    // character of a line can be its first non-whitespace one, so the scan then moves on to the next line.
    private static int ListPoints(ReadOnlySpan<char> text)
    {
        var items = 0;
        var position = 0;
        while (items < 3)
        {
            var found = text[position..].IndexOfAny(ListItemStarts);
            if (found < 0)
            {
                break;
            }

            var at = position + found;
            if (StartsLine(text, at) && IsListMarker(text[at..]))
            {
                items++;
            }

            var lineEnd = text[at..].IndexOfAny(LineBreaks);
            if (lineEnd < 0)
            {
                break;
            }

            position = at + lineEnd + 1;
        }

        return items switch
        {
            < 2 => 0,
            2 => 1,
            _ => 2,
        };
    }

    // Only whitespace between the previous line break (as EnumerateLines splits lines) and `at`.
    private static bool StartsLine(ReadOnlySpan<char> text, int at)
    {
        for (var j = at - 1; j >= 0; j--)
        {
            var c = text[j];
            if (LineBreaks.Contains(c))
            {
                return true;
            }

            if (!char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsListMarker(ReadOnlySpan<char> line)
    {
        if (line.Length < 2)
        {
            return false;
        }

        if (line[0] == '-' || line[0] == '*' || line[0] == '•')
        {
            return line[1] == ' ';
        }

        var digits = 0;
        while (digits < line.Length && digits < 3 && char.IsAsciiDigit(line[digits]))
        {
            digits++;
        }

        return digits > 0 && digits < line.Length && (line[digits] == '.' || line[digits] == ')');
    }

    private static int LengthPoints(int length) => length switch
    {
        >= 4000 => 3,
        >= 1500 => 2,
        >= 400 => 1,
        _ => 0,
    };

    private static bool IsShortFactual(ReadOnlySpan<char> text)
    {
        if (text.Length == 0 || text.Length > ShortQuestionLength)
        {
            return text.Length == 0;
        }

        if (text[^1] == '?')
        {
            return true;
        }

        foreach (var opener in FactualOpeners)
        {
            if (text.StartsWith(opener, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private enum Signal : byte
    {
        Code,
        Math,
        MultiStep,
    }
}
