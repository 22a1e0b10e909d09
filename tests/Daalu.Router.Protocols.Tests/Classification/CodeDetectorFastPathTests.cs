using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Protocols.Tests.Classification.Evaluation;
using CsCheck;
using Xunit;

namespace Daalu.Router.Protocols.Tests.Classification;

// The word pass's shortcut (PlainWords.MayScore: a vectorized letter/digit bitmap and one key per token) must never
// change a score: whenever it says "no scoring word", the full pass (PlainWords.ScoreWords) scores 0. Checked on every
// text of sets A and B (and of the public sets when built), on texts stitched from their pieces, and on random strings
// of fragments chosen at the shortcut's boundaries (runs of letters and digits, '+', '#', '.', '-', non-ASCII letters,
// scoring words and near misses).
public class CodeDetectorFastPathTests
{
    private static void AssertSameScore(string text)
    {
        Assert.True(PlainWords.Score(text) == PlainWords.ScoreWords(text), $"shortcut {PlainWords.Score(text)}, full pass {PlainWords.ScoreWords(text)}: {text}");
    }

    [Fact]
    public void Score_EveryTurnOfSetsAAndB_SameAsFullPass()
    {
        var skipped = 0;
        var texts = 0;
        foreach (var c in EvaluationSet.Load("a").Concat(EvaluationSet.Load("b")))
        {
            foreach (var (_, text) in c.Turns)
            {
                AssertSameScore(text);
                skipped += PlainWords.MayScore(text) ? 0 : 1;
                texts++;
            }
        }

        // The shortcut has to take some texts, or it only costs.
        Assert.True(skipped * 10 >= texts, $"the shortcut took {skipped} of {texts} texts");
    }

    [SkippableTheory]
    [InlineData("DAALU_HELDOUT_C")]
    [InlineData("DAALU_HELDOUT_D")]
    [InlineData("DAALU_HELDOUT_E")]
    [InlineData("DAALU_HELDOUT_F")]
    [InlineData("DAALU_HELDOUT_G")]
    [InlineData("DAALU_CODE_DEV")]
    public void Score_EveryRecordOfAPublicSet_SameAsFullPass(string variable)
    {
        var records = HeldOutFile.Load(variable, out var reason);
        Skip.If(records is null, reason);
        foreach (var r in records!)
        {
            AssertSameScore(r.Text);
        }
    }

    [Fact]
    public void Score_TwentyThousandStitchedTexts_SameAsFullPass()
    {
        var pieces = EvaluationSet.Load("a").Concat(EvaluationSet.Load("b"))
            .SelectMany(c => c.Turns)
            .SelectMany(t => t.Text.Split(' ', '\n'))
            .Where(p => p.Length > 0)
            .ToArray();
        string[] separators = [" ", "\n", ". ", "? ", ", ", "-", ".", "+", "#", "(", "'", "\u00e9", "_", "/"];
        var random = new Random(20261207);
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            builder.Clear();
            var parts = random.Next(1, 12);
            for (var p = 0; p < parts; p++)
            {
                var piece = pieces[random.Next(pieces.Length)];
                builder.Append(random.Next(4) == 0 ? piece.ToUpperInvariant() : piece);
                builder.Append(separators[random.Next(separators.Length)]);
            }

            AssertSameScore(builder.ToString());
        }
    }

    [Fact]
    public void Score_RandomFragmentsAtTheShortcutsBoundaries_SameAsFullPass()
    {
        string[] fragments =
        [
            "a", "Z", "9", "c", "C", "r", "go", "Go", "js", "c#", "C#", "f#", "c++", "node.js", "Node.JS", "next.js", "next",
            "objective-c", "big-o", "asp.net", ".net", "api", "apis", "app", "happy", "test", "latest", "committee", "component",
            "budget", "bubble", "python", "pythonic", "how", "how do", "to", "i", "write", "code", "this", "my", "function",
            "unit", "unit test", "hello", "hello world", "stack trace", " ", "  ", "\n", ".", "-", "+", "#", "'", "_", "(", ")",
            "?", "!", ";", ":", ",", "\u00e9", "\u017F", "\u212A", "0", "x86", "es6", "k8s", "typescript's",
        ];
        Gen.OneOf(fragments).Array[0, 40].Select(parts => string.Concat(parts)).Sample(
            text => PlainWords.Score(text) == PlainWords.ScoreWords(text),
            iter: 20_000);
    }

    [Fact]
    public void Score_TextsLongerThanTheStackBitmap_SameAsFullPass()
    {
        // 256 64-bit words cover 16,384 characters; longer texts rent their bitmap.
        var prose = string.Concat(Enumerable.Repeat("The committee met on Tuesday and discussed the budget for next year. ", 300));
        AssertSameScore(prose);
        AssertSameScore(prose + " Can you fix this bug?");
        AssertSameScore("fix this bug. " + prose);
        Assert.False(PlainWords.MayScore(prose));
        Assert.True(PlainWords.MayScore(prose + " Can you fix this bug?"));
    }
}
