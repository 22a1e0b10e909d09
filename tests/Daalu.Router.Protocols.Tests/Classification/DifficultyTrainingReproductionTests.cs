using Daalu.Classifier.Trainer;
using Xunit;

namespace Daalu.Router.Protocols.Tests.Classification;

/// <summary>
/// The learned stage's weights are reproducible (issue 18): the trainer (hack/classifier/Daalu.Classifier.Trainer,
/// compiled in here) is deterministic, and on the public data that hack/classifier/train-difficulty.sh builds it
/// rewrites the committed weights file byte for byte. The public data is fetched, not committed, so that check runs
/// only where DAALU_DIFFICULTY_DATA names the built file.
/// </summary>
public class DifficultyTrainingReproductionTests
{
    private static readonly string Root = FindRepoRoot();

    private static string Templates => Path.Combine(Root, "hack", "classifier", "data", "templates.txt");

    [SkippableFact]
    public void Train_ShippedRecipeOnThePublicData_ReproducesTheCommittedWeights()
    {
        var data = Environment.GetEnvironmentVariable("DAALU_DIFFICULTY_DATA");
        Skip.If(string.IsNullOrEmpty(data) || !File.Exists(data), "the public training data is not built here (hack/classifier/train-difficulty.sh, then DAALU_DIFFICULTY_DATA=<file>)");
        var (corpus, tag) = Training.Corpus(Templates, data);

        var bytes = Training.Serialize(Training.Run(corpus, tag, Training.Shipped));

        var committed = File.ReadAllBytes(Path.Combine(Root, "router", "Daalu.Router.Protocols", "Classification", "Weights", "difficulty-v1.json"));
        Assert.True(committed.AsSpan().SequenceEqual(bytes), "retraining gave other weights than the committed file");
    }

    [Fact]
    public void Train_TemplatesTwice_SameBytes()
    {
        var (corpus, tag) = Training.Corpus(Templates, publicPath: null);
        var settings = Training.Shipped with { Sources = null, LeftoverOnly = false };

        var first = Training.Serialize(Training.Run(corpus, tag, settings));
        var second = Training.Serialize(Training.Run(corpus, tag, settings));

        Assert.True(first.Length > 10_000, $"{first.Length} bytes");
        Assert.Equal(first, second);
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("the tests run from inside the repository");
    }
}
