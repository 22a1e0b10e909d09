// The classifier exactly as it was before the single-pass rewrite (git 860405c), kept as the reference the
// property tests compare the production classifier against, and as the Baseline of the Daalu.Bench.Micro
// classification benchmarks (which link this file). Do not optimise it: its value is that it is the old,
// straightforward algorithm.
using System.Buffers;
using Daalu.Router.Classification;

namespace Daalu.Router.Protocols.Tests.Classification.Reference;

/// <summary>
/// A keyword-and-shape heuristic that rates a request 1..3 without allocating: one span pass that tries
/// keywords only at word starts, plus vectorized Contains / <see cref="SearchValues{T}"/> checks; no Regex.
/// Thread-safe and stateless.
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
internal sealed class ReferenceComplexityClassifier : IComplexityClassifier
{
    /// <summary>Bound on the characters scanned, so a 100 KB prompt costs the same as a 4 KB one.</summary>
    public const int ScanLimit = 4096;

    private const int ShortQuestionLength = 160;

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

    // Keyword indexes by first letter: a keyword is only tried where a word starts with its letter, so a
    // typical prompt costs one pass plus a few short comparisons per word.
    private static readonly int[][] KeywordsByFirstLetter = BuildIndex();

    private static readonly int[][] KeywordsByFirstTwo = BuildTwoLetterIndex();

    private static readonly string[] CodePunctuation = ["=>", "();", "};", "()", "std::", "#include"];

    private static readonly string[] LatexMarkers = ["\\frac", "\\sum", "\\int", "\\sqrt", "\\begin{", "$$", "\\("];

    private static readonly SearchValues<char> LatexStarts = SearchValues.Create("\\$");

    private static readonly SearchValues<char> MathSymbols = SearchValues.Create("∑∫√≤≥≠∞∂πθλ∀∃∈⊂±×÷^");

    private static readonly string[] FactualOpeners =
    [
        "what is", "what's", "what are", "who ", "when ", "where ", "which ", "how many", "how much", "how old",
        "define ", "is ", "are ", "does ", "do ", "can ", "translate ", "name ",
    ];

    public int Rate(in ComplexityInput input)
    {
        var fullText = (input.LastUserText ?? string.Empty).AsSpan().Trim();
        var text = fullText.Length > ScanLimit ? fullText[..ScanLimit] : fullText;

        CountKeywords(text, out var codeHits, out var mathHits, out var multiStepHits);
        var code = CodePoints(text, codeHits);
        var math = MathPoints(text, mathHits);
        var multiStep = MultiStepPoints(multiStepHits);
        var score = code + math + multiStep + ListPoints(text) + LengthPoints(fullText.Length);

        if (code == 0 && math == 0 && multiStep == 0 && IsShortFactual(text))
        {
            return 1;
        }

        if (input.TotalTextLength >= 12000)
        {
            score++;
        }

        if (input.MessageCount >= 10)
        {
            score++;
        }

        if (input.HasTools)
        {
            score++;
        }

        if (input.HasImages)
        {
            score++;
        }

        return score switch
        {
            <= 1 => 1,
            <= 4 => 2,
            _ => 3,
        };
    }

    private static void CountKeywords(ReadOnlySpan<char> text, out int code, out int math, out int multiStep)
    {
        code = 0;
        math = 0;
        multiStep = 0;
        var previousIsWordChar = false;
        for (var i = 0; i < text.Length && (code < 2 || math < 2 || multiStep < 4); i++)
        {
            var c = text[i];
            if (!char.IsAsciiLetter(c) || previousIsWordChar)
            {
                previousIsWordChar = char.IsAsciiLetterOrDigit(c);
                continue;
            }

            var index = MatchAt(text[i..], (c | 0x20) - 'a');
            if (index < 0)
            {
                previousIsWordChar = true;
                continue;
            }

            var (keyword, kind) = Keywords[index];
            switch (kind)
            {
                case Signal.Code:
                    code++;
                    break;
                case Signal.Math:
                    math++;
                    break;
                default:
                    multiStep++;
                    break;
            }

            // Skip the whole keyword so "step by step" is one hit, not two.
            i += keyword.Length - 1;
            previousIsWordChar = char.IsAsciiLetterOrDigit(text[i]);
        }
    }

    // The first keyword (in table order) that `rest` starts with, ignoring case, or -1. `letter` is rest[0]'s
    // letter (0..25). Candidates are narrowed by the first two letters, then compared with ASCII case folding;
    // a non-ASCII character in the way falls back to OrdinalIgnoreCase (which folds e.g. 'ſ' to 'S') so the
    // result is exactly that of StartsWith(keyword, OrdinalIgnoreCase).
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
            if (StartsWithIgnoreCase(rest, Keywords[index].Text))
            {
                return index;
            }
        }

        return -1;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<char> rest, string keyword)
    {
        if (rest.Length < keyword.Length)
        {
            return false;
        }

        for (var j = 0; j < keyword.Length; j++)
        {
            var c = rest[j];
            if (!char.IsAscii(c))
            {
                return rest.StartsWith(keyword, StringComparison.OrdinalIgnoreCase);
            }

            if (AsciiLower(c) != keyword[j])
            {
                return false;
            }
        }

        return true;
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

    private static int CodePoints(ReadOnlySpan<char> text, int keywordHits)
    {
        if (text.Contains("```", StringComparison.Ordinal))
        {
            return 3;
        }

        var hits = keywordHits;
        foreach (var marker in CodePunctuation)
        {
            if (hits >= 2)
            {
                break;
            }

            if (text.Contains(marker, StringComparison.Ordinal))
            {
                hits++;
            }
        }

        return Math.Min(hits, 2);
    }

    private static int MathPoints(ReadOnlySpan<char> text, int keywordHits)
    {
        var hits = keywordHits;
        if (hits < 2 && text.ContainsAny(LatexStarts))
        {
            foreach (var marker in LatexMarkers)
            {
                if (text.Contains(marker, StringComparison.Ordinal) && ++hits >= 2)
                {
                    break;
                }
            }
        }

        var points = hits switch
        {
            0 => 0,
            1 => 2,
            _ => 3,
        };
        if (text.ContainsAny(MathSymbols))
        {
            points++;
        }

        return Math.Min(points, 3);
    }

    // Four or more distinct multi-step / analytical asks are a hard request on their own.
    private static int MultiStepPoints(int hits) => hits switch
    {
        0 => 0,
        1 => 2,
        2 or 3 => 3,
        _ => 5,
    };

    private static int ListPoints(ReadOnlySpan<char> text)
    {
        var items = 0;
        foreach (var rawLine in text.EnumerateLines())
        {
            var line = rawLine.TrimStart();
            if (line.Length < 2)
            {
                continue;
            }

            if ((line[0] == '-' || line[0] == '*' || line[0] == '•') && line[1] == ' ')
            {
                items++;
                continue;
            }

            var digits = 0;
            while (digits < line.Length && digits < 3 && char.IsAsciiDigit(line[digits]))
            {
                digits++;
            }

            if (digits > 0 && digits < line.Length && (line[digits] == '.' || line[digits] == ')'))
            {
                items++;
            }
        }

        return items switch
        {
            < 2 => 0,
            2 => 1,
            _ => 2,
        };
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
