using CsCheck;
using Daalu.Router.Classification.CodeDetection;
using Xunit;

namespace Daalu.Router.Protocols.Tests.Classification;

// CharPositions replaces IndexOf loops in the line pass: it must visit exactly the positions a one-character-at-a-time
// test visits, in order, for every length (shorter than a vector, at a block's edges, a neighbour outside the text) and
// every character around the tested ones (capitals, lower case, digits, '_', '.', non-ASCII letters).
public class CharPositionsTests
{
    private static readonly Gen<string> Texts = Gen.String[Gen.Char["._aZ9 x\u00e9\u0130Aa"], 0, 80];

    private static List<int> Naive(string text, Func<int, bool> hit) => Enumerable.Range(0, text.Length).Where(hit).ToList();

    [Fact]
    public void Of_RandomTexts_EveryPositionOfTheCharacterInOrder()
    {
        Texts.Sample(text =>
        {
            var found = new List<int>();
            foreach (var i in CharPositions.Of(text, '.'))
            {
                found.Add(i);
            }

            Assert.Equal(Naive(text, i => text[i] == '.'), found);
        }, iter: 3_000);
    }

    [Fact]
    public void BeforeLetterOrDigit_RandomTexts_OnlyWhereALetterOrDigitFollows()
    {
        Texts.Sample(text =>
        {
            var found = new List<int>();
            foreach (var i in CharPositions.BeforeLetterOrDigit(text, '.'))
            {
                found.Add(i);
            }

            Assert.Equal(Naive(text, i => text[i] == '.' && i + 1 < text.Length && char.IsAsciiLetterOrDigit(text[i + 1])), found);
        }, iter: 3_000);
    }

    [Fact]
    public void BeforeCapital_RandomTexts_OnlyWhereACapitalFollows()
    {
        Texts.Sample(text =>
        {
            var found = new List<int>();
            foreach (var i in CharPositions.BeforeCapital(text, '.'))
            {
                found.Add(i);
            }

            Assert.Equal(Naive(text, i => text[i] == '.' && i + 1 < text.Length && char.IsAsciiLetterUpper(text[i + 1])), found);
        }, iter: 3_000);
    }

    [Fact]
    public void OfIdentifierMarks_RandomTexts_UnderscoresAndCapitalsAfterLowerCase()
    {
        Texts.Sample(text =>
        {
            var found = new List<int>();
            foreach (var i in CharPositions.OfIdentifierMarks(text))
            {
                found.Add(i);
            }

            Assert.Equal(Naive(text, i => text[i] == '_' || (char.IsAsciiLetterUpper(text[i]) && i > 0 && char.IsAsciiLetterLower(text[i - 1]))), found);
        }, iter: 3_000);
    }
}
