using CsCheck;
using Daalu.Router.Classification;
using Daalu.Router.Protocols.Tests.Classification.Reference;

namespace Daalu.Router.Protocols.Tests.Classification;

/// <summary>
/// The rewritten classifier must rate exactly like the old straightforward one (<see cref="ReferenceComplexityClassifier"/>,
/// kept verbatim): random prompts are built from the pieces the rules look at (keywords in any case, keywords glued to
/// letters or digits, partial keywords, code and LaTeX markers, math symbols, list markers, every line break
/// EnumerateLines knows, Unicode spaces, and 'ſ' / 'ı', which OrdinalIgnoreCase folds to 'S' / 'I'), plus prompts
/// that put those pieces around the 4,096-character scan window's edge.
/// </summary>
public class HeuristicComplexityClassifierPropertyTests
{
    private static readonly HeuristicComplexityClassifier Classifier = new();
    private static readonly ReferenceComplexityClassifier Reference = new();

    private static readonly string[] Keywords =
    [
        "def ", "console.", "printf", "public static", "function(", "select * ", "import ", "fn main", "let mut",
        "async def", "await ", "traceback", "stack trace", "segfault", "null pointer", "nullreferenceexception",
        "undefined is not", "syntaxerror", "regex", "prove", "proof", "derive", "derivation", "integral", "derivative",
        "differential", "equation", "theorem", "lemma", "induction", "eigen", "matrix", "probability", "limit of",
        "solve for", "step by step", "step-by-step", "first,", "then ", "after that", "finally", "compare", "analyze",
        "analyse", "trade-off", "tradeoff", "pros and cons", "design", "architect", "optimize", "optimise", "refactor",
        "debug", "implement", "evaluate", "explain", "in detail", "plan ", "strategy", "critique", "multi-step",
        "walk me through",
    ];

    private static readonly string[] OtherPieces =
    [
        "step", "step-by", "by step", "async", "def", "then", "plan", "first", "limit", "solve", "desig", "prov", "re",
        "2", "x", "_", "-", "'", "(", "the", "and", "hello", "code", "what is", "What's", "who ", "is ", "how many",
        "translate ", "can ", "```", "``", "=>", "();", "};", "()", "std::", "#include", "\\frac", "\\sum", "\\int",
        "\\sqrt", "\\begin{", "$$", "\\(", "$", "\\", "∑", "π", "^", "≤", "×", "\n", "\r\n", "\r", "\f", "\u0085",
        "\u2028", "\u2029", "- ", "* ", "• ", "-", "*", "1. ", "2) ", "12.", "123)", "1234.", "7", " ", "  ", "\t",
        "\u00A0", "\u3000", "\v", "\u1680", "?", ",", ".", "ſ", "ı", "\u212A", "İ", "é", "😀",
    ];

    private static readonly Gen<string> Piece = Gen.Frequency(
        (3, Gen.Select(Gen.OneOf(Keywords), Gen.Int[0, 4], Recase)),
        (4, Gen.Select(Gen.OneOf(OtherPieces), Gen.Int[0, 4], Recase)));

    private static readonly Gen<string> Prompt = Piece.Array[0, 60].Select(string.Concat);

    private static readonly Gen<ComplexityInput> Inputs = Gen.Select(
        Prompt, Gen.Int[0, 20_000], Gen.Int[0, 14], Gen.Bool, Gen.Bool,
        (text, total, messages, tools, images) => new ComplexityInput(text, total, messages, tools, images));

    // A filler prefix that puts the random pieces across the scan window's end (4,096 characters after trimming).
    private static readonly Gen<ComplexityInput> LongInputs = Gen.Select(
        Gen.OneOf("a ", "public static ", "x\n", "- ", "the committee met. ", " "), Gen.Int[3_900, 4_120], Prompt, Gen.Bool,
        (unit, length, tail, tools) =>
        {
            var filler = string.Concat(Enumerable.Repeat(unit, (length / unit.Length) + 1))[..length];
            var text = "Q" + filler + tail;
            return new ComplexityInput(text, text.Length, 1, tools, false);
        });

    // Line-shaped prompts, so list markers land at line starts, after indentation, and after other text.
    private static readonly Gen<ComplexityInput> ListInputs = Gen.Select(
            Gen.OneOf("", " ", "\t", "  ", "\u00A0", "\v", "x", "x "),
            Gen.OneOf("- ", "-", "* ", "• ", "•", "1. ", "2)", "12. ", "123) ", "1234. ", "7", "a. ", " - "),
            Gen.OneOf("item", "design it", "", " ", "x"),
            Gen.OneOf("\n", "\r\n", "\r", "\f", "\u0085", "\u2028", "\u2029", "\v", " "),
            (indent, marker, body, lineBreak) => indent + marker + body + lineBreak)
        .Array[0, 8]
        .Select(lines => string.Concat(lines))
        .Select(text => new ComplexityInput(text, text.Length, 1, false, false));

    // Short questions with list lines in a heavy context: context and list alone reach the "hard" score, yet a
    // short factual question without any signal is still 1, so keywords must be counted even when the score is
    // already high.
    private static readonly Gen<ComplexityInput> ShortQuestionInputs = Gen.Select(
        Gen.OneOf("Who wrote Hamlet", "what is ", "How many ", "Is ", "define ", "hello", ""),
        Piece.Array[0, 6].Select(string.Concat),
        Gen.OneOf("", "\n- a\n- b", "\n1. x\n2. y\n3. z", "\n* one"),
        Gen.OneOf("?", "", " ?", "?\n"),
        Gen.Int[0, 4],
        (opener, middle, list, end, context) =>
        {
            var text = opener + middle + list + end;
            return new ComplexityInput(text, context >= 1 ? 20_000 : text.Length, context >= 2 ? 12 : 1, context >= 3, context >= 4);
        });

    [Fact]
    public void Rate_RandomShortQuestionsInHeavyContext_SameAsReference()
    {
        ShortQuestionInputs.Sample(
            input => Assert.Equal(Reference.Rate(in input), Classifier.Rate(in input)),
            iter: 10_000,
            print: Show);
    }

    [Fact]
    public void Rate_RandomListShapedPrompts_SameAsReference()
    {
        ListInputs.Sample(
            input => Assert.Equal(Reference.Rate(in input), Classifier.Rate(in input)),
            iter: 10_000,
            print: Show);
    }

    [Fact]
    public void Rate_RandomPrompts_SameAsReference()
    {
        Inputs.Sample(
            input => Assert.Equal(Reference.Rate(in input), Classifier.Rate(in input)),
            iter: 20_000,
            print: Show);
    }

    [Fact]
    public void Rate_RandomPromptsAcrossScanWindowEdge_SameAsReference()
    {
        LongInputs.Sample(
            input => Assert.Equal(Reference.Rate(in input), Classifier.Rate(in input)),
            iter: 3_000,
            print: Show);
    }

    [Theory]
    [InlineData("step-by-step by step, compare, analyze")]
    [InlineData("async def async def prove prove explain")]
    [InlineData("public static public static public static design, prove, derive, then explain")]
    [InlineData("deſign and ımplement a proof, then analyſe it; ſtrategy")]
    [InlineData("multi-step by step; multi-step-by-step; explain explain explain explain design")]
    public void Rate_OverlappingAndFoldedKeywords_SameAsReference(string prompt)
    {
        var input = new ComplexityInput(prompt, prompt.Length, 1, false, false);

        Assert.Equal(Reference.Rate(in input), Classifier.Rate(in input));
    }

    private static string Recase(string piece, int mode) => mode switch
    {
        1 => piece.ToUpperInvariant(),
        2 => string.Concat(piece.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c)),
        3 => piece.Replace('s', 'ſ').Replace('i', 'ı'),
        _ => piece,
    };

    private static string Show(ComplexityInput input) =>
        $"{input with { LastUserText = System.Text.Json.JsonSerializer.Serialize(input.LastUserText) }}";
}
