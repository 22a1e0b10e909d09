using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Protocols.Tests.Classification.Evaluation;
using Daalu.Router.Protocols.Tests.Classification.Reference;
using CsCheck;
using Xunit;

namespace Daalu.Router.Protocols.Tests.Classification;

// The single-pass rewrite of the detector changes its cost, never its verdict: every text it can be shown gives the
// same signal as the detector before the rewrite (Reference/ReferenceCodeDetector.cs, git 815df71).
public class CodeDetectorReferenceTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Detect_EveryTurnOfAHeldOutSet_SameSignalAsReference(string set)
    {
        var texts = 0;
        foreach (var c in EvaluationSet.Load(set))
        {
            foreach (var (_, text) in c.Turns)
            {
                Assert.True(ReferenceCodeDetector.Detect(text) == CodeDetector.Detect(text), $"{c.Id}: {CodeDetector.Detect(text)}, reference {ReferenceCodeDetector.Detect(text)}");
                texts++;
            }
        }

        Assert.True(texts > 100);
    }

    [SkippableTheory]
    [InlineData("DAALU_HELDOUT_C")]
    [InlineData("DAALU_HELDOUT_D")]
    public void Detect_EveryRecordOfAPublicSet_SameSignalAsReference(string variable)
    {
        var records = HeldOutFile.Load(variable, out var reason);
        Skip.If(records is null, reason);
        foreach (var r in records!)
        {
            Assert.True(ReferenceCodeDetector.Detect(r.Text) == CodeDetector.Detect(r.Text), $"{r.Id}: {CodeDetector.Detect(r.Text)}, reference {ReferenceCodeDetector.Detect(r.Text)}");
        }
    }

    [Fact]
    public void Detect_DevelopmentExamples_SameSignalAsReference()
    {
        var examples = 0;
        foreach (var data in CodeDetectorTests.CodeBearing.Concat(CodeDetectorTests.Prose))
        {
            var text = (string)data[0];
            Assert.True(ReferenceCodeDetector.Detect(text) == CodeDetector.Detect(text), text);
            examples++;
        }

        Assert.True(examples > 50);
    }

    // Texts stitched from pieces of the held-out sets (lines, words, code-ish fragments, separators) in random order and
    // case: shapes no one wrote by hand, to catch a rule that the rewrite reads differently at a boundary.
    [Fact]
    public void Detect_TwentyThousandStitchedTexts_SameSignalAsReference()
    {
        var pieces = new List<string>();
        foreach (var c in EvaluationSet.Load("a").Concat(EvaluationSet.Load("b")))
        {
            foreach (var (_, text) in c.Turns)
            {
                foreach (var line in text.Split('\n'))
                {
                    pieces.Add(line);
                    pieces.AddRange(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                }
            }
        }

        string[] separators = [" ", "\n", "\n\n", "  ", "\t", "\r\n", ". ", "? ", ": ", "; ", ", ", "`", "```", "```py\n", "~~~", "- ", "$ ", "> ", "    ", "\"", "'", "(", ")", "{", "}", "=", "->", "::", "#", "@", "."];
        var random = new Random(20261207);
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            builder.Clear();
            var parts = random.Next(1, 14);
            for (var p = 0; p < parts; p++)
            {
                var piece = pieces[random.Next(pieces.Count)];
                builder.Append(random.Next(5) switch
                {
                    0 => piece.ToUpperInvariant(),
                    1 => piece.ToLowerInvariant(),
                    _ => piece,
                });
                builder.Append(separators[random.Next(separators.Length)]);
            }

            var text = builder.ToString();
            Assert.True(ReferenceCodeDetector.Detect(text) == CodeDetector.Detect(text), $"case {i}: {text}");
        }
    }

    // Character-level shapes around the boundaries the rewrite reads differently: word runs with capitals, digits and
    // '_', dots, '@', '/', '#', SQL openers in any case, fences and line breaks.
    [Fact]
    public void Detect_RandomFragments_SameSignalAsReference()
    {
        string[] fragments =
        [
            "a", "b", "Z", "Q", "_", "x_y", "fooBar", "ab", "abC", "9", "0", "_a", ".", ". ", "..", "@", "/", "#", " ", "  ", "\n", "\n\n",
            "(", ")", "{", "}", ";", ":", "=", "==", "=>", "->", "<", ">", "`", "```", "~~~", "'", "\"", ",", "-", "--", "+",
            "Select ", "SELECT ", "select ", " from ", " FROM ", "UPDATE ", " SET ", "insert into ", "DELETE FROM ", "drop table ",
            "e.g.", "a.m.", "Program.cs", "app.py", "node.js", "c.Base", "x.y", "http://", "mail@host", "Error:", "Exception",
            "def ", "import ", "git ", " -x", "$ ", "  at ", "TypeError: ", "write ", "code", "python", "how do I ", "this ",
            "\u017Felect ", "\u0131nsert \u0131nto ", "\u212Aey: v", "É", "ü",
        ];
        Gen.OneOf(fragments).Array[0, 40].Select(parts => string.Concat(parts)).Sample(
            text => ReferenceCodeDetector.Detect(text) == CodeDetector.Detect(text),
            iter: 20_000);
    }
}
