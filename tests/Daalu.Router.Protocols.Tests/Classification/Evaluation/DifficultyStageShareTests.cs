using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;
using Xunit.Abstractions;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

/// <summary>
/// The stage shares issue 18 sets (the seed's design: the learned stage for at most 30% of requests, the judge for the
/// still-borderline ones, typically 15-20%) on the committed held-out sets A and B, with the shipped stages. The
/// judge's share is the share the learned stage decides with a calibrated confidence below the default threshold of
/// the policy's judge (60%), i.e. where <c>DifficultyJudge.ShouldAsk</c> says yes when the judge is on.
/// </summary>
public class DifficultyStageShareTests(ITestOutputHelper output)
{
    private const int DefaultJudgeThresholdPercent = 60;

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Rate_HeldOutSet_LearnedStageAtMostThirtyPercentAndJudgeShareInTheSeedsBand(string set)
    {
        var cases = EvaluationSet.Load(set);
        var classifier = new RequestClassifier(new DifficultyClassifier(DifficultyModel.Shipped, TimeProvider.System), TimeProvider.System);
        var (learned, judge) = (0, 0);
        foreach (var c in cases)
        {
            var d = classifier.Classify(RequestTextReader.Read(EvaluationSet.ToChatBody(c)), CodeDetectionMode.Enforce, rateDifficulty: true).Difficulty!;
            var stage = d.Stages.FirstOrDefault(s => s.Stage == DifficultyStages.Learned);
            learned += stage.Stage is null ? 0 : 1;
            judge += d.DecidedBy == DifficultyStages.Learned && stage.Confidence * 100 < DefaultJudgeThresholdPercent ? 1 : 0;
        }

        var (learnedShare, judgeShare) = ((double)learned / cases.Count, (double)judge / cases.Count);
        output.WriteLine($"set {set}: {cases.Count} requests, learned stage {learnedShare:P1}, judge (threshold {DefaultJudgeThresholdPercent}) {judgeShare:P1}");
        Assert.True(learnedShare <= 0.30, $"learned stage {learnedShare:P1}");
        Assert.InRange(judgeShare, 0.10, 0.25);
    }
}
