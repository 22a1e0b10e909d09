using System.Buffers;

namespace Daalu.Router.Classification;

/// <summary>
/// A keyword-and-shape heuristic that rates a request 1..3 without allocating (span scans with
/// <see cref="SearchValues{T}"/>; no Regex). Thread-safe and stateless.
/// <para>Scoring (points are summed; only the first <see cref="ScanLimit"/> characters of the last user text are scanned,
/// its full length still counts):</para>
/// <list type="bullet">
/// <item>Code: a fenced block (<c>```</c>) +3; otherwise code-like markers (<c>def </c>, <c>#include</c>, <c>=&gt;</c>,
/// <c>();</c>, <c>SELECT </c> ...): one +1, two or more +2.</item>
/// <item>Math: math words or LaTeX (<c>prove</c>, <c>derive</c>, <c>integral</c>, <c>\frac</c>, <c>$$</c> ...): one +2, two or more +3;
/// math symbols (<c>∑ ∫ √ ≤ π</c> ...) +1; the math total is capped at +3.</item>
/// <item>Multi-step or analytical phrasing (<c>step by step</c>, <c>first, ... then</c>, <c>compare</c>, <c>design</c>,
/// <c>trade-off</c>, <c>refactor</c>, <c>explain</c> ...): one +2, two or three +3, four or more +4.</item>
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

    private static readonly SearchValues<string> CodeMarkers = SearchValues.Create(
        [
            "def ", "#include", "=>", "();", "};", "()", "console.", "printf", "std::", "public static", "function(",
            "select * ", "import ", "fn main", "let mut", "async def", "await ", "traceback", "stack trace", "segfault",
            "null pointer", "nullreferenceexception", "undefined is not", "syntaxerror", "regex",
        ],
        StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<string> MathMarkers = SearchValues.Create(
        [
            "prove", "proof", "derive", "derivation", "integral", "derivative", "differential", "equation", "theorem",
            "lemma", "induction", "eigen", "matrix", "probability", "\\frac", "\\sum", "\\int", "\\sqrt", "\\begin{",
            "$$", "\\(", "limit of", "solve for",
        ],
        StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<char> MathSymbols = SearchValues.Create("∑∫√≤≥≠∞∂πθλ∀∃∈⊂±×÷^");

    private static readonly SearchValues<string> MultiStepPhrases = SearchValues.Create(
        [
            "step by step", "step-by-step", "first,", " then ", "after that", "finally", "compare", "analyze", "analyse",
            "trade-off", "tradeoff", "pros and cons", "design", "architect", "optimize", "optimise", "refactor", "debug",
            "implement", "evaluate", "explain", "in detail", "plan ", "strategy", "critique", "multi-step", "walk me through",
        ],
        StringComparison.OrdinalIgnoreCase);

    private static readonly string[] FactualOpeners =
    [
        "what is", "what's", "what are", "who ", "when ", "where ", "which ", "how many", "how much", "how old",
        "define ", "is ", "are ", "does ", "do ", "can ", "translate ", "name ",
    ];

    public int Rate(in ComplexityInput input)
    {
        var fullText = (input.LastUserText ?? string.Empty).AsSpan().Trim();
        var text = fullText.Length > ScanLimit ? fullText[..ScanLimit] : fullText;

        var code = CodePoints(text);
        var math = MathPoints(text);
        var multiStep = MultiStepPoints(text);
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

    private static int CodePoints(ReadOnlySpan<char> text)
    {
        if (text.Contains("```", StringComparison.Ordinal))
        {
            return 3;
        }

        return Math.Min(Count(text, CodeMarkers, 2), 2);
    }

    private static int MathPoints(ReadOnlySpan<char> text)
    {
        var points = Count(text, MathMarkers, 2) switch
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

    private static int MultiStepPoints(ReadOnlySpan<char> text) => Count(text, MultiStepPhrases, 4) switch
    {
        0 => 0,
        1 => 2,
        2 or 3 => 3,
        _ => 4,
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

    private static int Count(ReadOnlySpan<char> text, SearchValues<string> values, int cap)
    {
        var count = 0;
        while (count < cap)
        {
            var at = text.IndexOfAny(values);
            if (at < 0)
            {
                break;
            }

            count++;
            text = text[(at + 1)..];
        }

        return count;
    }
}
