using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Protocols.Tests.Classification.Evaluation;
using Xunit;

namespace Daalu.Router.Protocols.Tests.Classification;

// The earlier-turn verdict cache changes the cost, never the verdict.
public class SegmentVerdictsTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Detect_EveryHeldOutCaseTwiceWithCache_SameVerdictAsWithout(string set)
    {
        var cache = new SegmentVerdicts();
        foreach (var c in EvaluationSet.Load(set))
        {
            var text = RequestTextReader.Read(EvaluationSet.ToChatBody(c));
            var expected = RequestCodeDetector.Detect(text);

            Assert.Equal(expected, RequestCodeDetector.Detect(text, cache));
            Assert.Equal(expected, RequestCodeDetector.Detect(text, cache));
        }

        Assert.True(cache.Count > 0);
    }

    [Fact]
    public void Detect_CodeInAnEarlierTurnCachedThenFollowUp_StillCode()
    {
        var cache = new SegmentVerdicts();
        var first = new RequestText([new TextSegment("user", 0, "why does this fail?\n```python\nx = open('a').read()\n```")], false, false);
        var later = new RequestText(
        [
            new TextSegment("user", 0, "why does this fail?\n```python\nx = open('a').read()\n```"),
            new TextSegment("assistant", 1, "The file a does not exist in the working directory."),
            new TextSegment("user", 2, "ok thanks"),
        ], false, false);

        Assert.True(RequestCodeDetector.Detect(first, cache).IsCode);
        Assert.Equal(0, cache.Count);
        var result = RequestCodeDetector.Detect(later, cache);

        Assert.Equal(CodeSignal.Fence, result.Signal);
        Assert.Equal(0, result.Message);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Detect_ShortText_NotCached()
    {
        var cache = new SegmentVerdicts();

        Assert.Equal(CodeSignal.None, cache.Detect("hello there"));
        Assert.Equal(0, cache.Count);
    }
}
