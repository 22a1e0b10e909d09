using Daalu.Router.Classification.Difficulty;
using Xunit;
using Xunit.Abstractions;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

/// <summary>
/// Held-out set H for difficulty (public data, not committed: hack/classifier/heldout-h/build.py rebuilds it from
/// NQ-open, SVAMP, two lists of programming tasks, BIG-Bench-Hard multi-step tasks and Open-Assistant advice prompts;
/// none of them trains the learned stage). Frozen (builder and MANIFEST.md committed) before the classifier first ran
/// on it. Runs when DAALU_HELDOUT_H names the built file, prints the figures docs/classification.md reports and holds
/// the shipped weights to them. It prints no texts and no misses: whoever changes a rule or the training data next
/// should not read set H's texts to do it.
/// </summary>
public class HeldOutSetHTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Rate_HeldOutSetH_FiguresAsReported()
    {
        var records = HeldOutDifficultyFile.Load("DAALU_HELDOUT_H", out var reason);
        Skip.If(records is null, reason);

        var score = DifficultyScore.Measure(DifficultyModel.Shipped, records!);
        output.WriteLine(score.Render());

        Assert.All(new[] { "factual", "advice", "math", "request-write", "multi-step" }, c => Assert.True(score.ByCategory.GetValueOrDefault(c).Total >= 100, c));
        Assert.True(score.Hard.Right >= HardRatedThreeReported, $"hard prompts rated 3: {score.Hard.Right}/{score.Hard.Total}, reported {HardRatedThreeReported}");
        Assert.True(score.Factual.Right >= FactualRatedOneReported, $"factual rated 1: {score.Factual.Right}/{score.Factual.Total}, reported {FactualRatedOneReported}");
        Assert.True(score.ReachedLearned <= ReachedLearnedReported, $"reaching the learned stage: {score.ReachedLearned}/{score.Total}, reported {ReachedLearnedReported}");
    }

    // The figures docs/classification.md reports for set H with the shipped stages (counts out of 450 hard, 150
    // factual and 727 requests). Its first and only clean run, with the stages of 3551454, gave 408, 125 and 327; with
    // ASQ and FOLIO in the training data, the advice rule and the weights retrained on them: 409, 126 and 311 (chosen
    // with set H in view, so not clean). The twelfth session's rules (written on development data, H measured only):
    // 418, 128 and 153; with the other helpers' detection rules merged and the weights retrained on what the heuristic
    // now leaves (712 examples): 420, 128 and 154.
    private const int HardRatedThreeReported = 420;
    private const int FactualRatedOneReported = 128;
    private const int ReachedLearnedReported = 154;
}
