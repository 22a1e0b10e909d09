using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Daalu.Router.Classification;
using Daalu.Router.Classification.Difficulty;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

/// <summary>
/// Rates a difficulty-labelled set with the whole pipeline as the router runs it (chat body -> texts -> code detection
/// -> heuristic -> learned stage -> conversation) and counts the issue's figures: the confusion matrix, the share of
/// code-generation, math and multi-step prompts rated 3, of short factual ones rated 1, the share reaching the learned
/// stage and the decisions per stage. Used by <see cref="HeldOutSetHTests"/> and by the trainer (before/after).
/// </summary>
public sealed class DifficultyScore
{
    /// <summary>The categories the issue wants rated 3.</summary>
    public static readonly IReadOnlyList<string> HardCategories = ["request-write", "math", "multi-step"];

    public int[,] Confusion { get; } = new int[3, 3];

    /// <summary>Per category: requests rated as labelled, requests.</summary>
    public SortedDictionary<string, (int Right, int Total)> ByCategory { get; } = new(StringComparer.Ordinal);

    /// <summary>Per source: requests rated as labelled, requests.</summary>
    public SortedDictionary<string, (int Right, int Total)> BySource { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, int> DecidedBy { get; } = new(StringComparer.Ordinal);

    /// <summary>Per label, requests the learned stage decided: [label - 1, rating - 1].</summary>
    public int[,] LearnedConfusion { get; } = new int[3, 3];

    public int ReachedLearned { get; private set; }

    public int Total { get; private set; }

    /// <summary>Code-generation, math and multi-step requests rated 3, and their number.</summary>
    public (int Right, int Total) Hard => HardCategories.Select(c => ByCategory.GetValueOrDefault(c)).Aggregate((0, 0), (a, b) => (a.Item1 + b.Right, a.Item2 + b.Total));

    /// <summary>Short factual requests rated 1, and their number.</summary>
    public (int Right, int Total) Factual => ByCategory.GetValueOrDefault("factual");

    public static DifficultyScore Measure(DifficultyModel model, IEnumerable<HeldOutDifficultyFile.Record> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var classifier = new RequestClassifier(new DifficultyClassifier(model, TimeProvider.System), TimeProvider.System);
        var score = new DifficultyScore();
        foreach (var r in records)
        {
            var body = new JsonObject
            {
                ["model"] = "auto",
                ["messages"] = new JsonArray { new JsonObject { ["role"] = "user", ["content"] = r.Text } },
            };
            var d = classifier.Classify(RequestTextReader.Read(body), CodeDetectionMode.Enforce, rateDifficulty: true).Difficulty!;
            score.Total++;
            score.Confusion[r.Rating - 1, d.Rating - 1]++;
            score.DecidedBy[d.DecidedBy] = score.DecidedBy.GetValueOrDefault(d.DecidedBy) + 1;
            score.ReachedLearned += d.Stages.Any(s => s.Stage == DifficultyStages.Learned) ? 1 : 0;
            if (d.DecidedBy == DifficultyStages.Learned)
            {
                score.LearnedConfusion[r.Rating - 1, d.Rating - 1]++;
            }

            var right = d.Rating == r.Rating ? 1 : 0;
            var (cr, ct) = score.ByCategory.GetValueOrDefault(r.Category);
            score.ByCategory[r.Category] = (cr + right, ct + 1);
            var (sr, st) = score.BySource.GetValueOrDefault(r.Source);
            score.BySource[r.Source] = (sr + right, st + 1);
        }

        return score;
    }

    /// <summary>The figures as markdown tables.</summary>
    public string Render()
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"{Total} requests.\n\n| figure | value | target |\n|---|---|---|\n");
        foreach (var c in HardCategories)
        {
            b.Append(CultureInfo.InvariantCulture, $"| {c} rated 3 | {Share(ByCategory.GetValueOrDefault(c))} | >= 80% |\n");
        }

        b.Append(CultureInfo.InvariantCulture, $"| code generation, math, multi-step rated 3 | {Share(Hard)} | >= 80% |\n");
        b.Append(CultureInfo.InvariantCulture, $"| short factual rated 1 | {Share(Factual)} | >= 80% |\n");
        b.Append(CultureInfo.InvariantCulture, $"| advice rated 2 | {Share(ByCategory.GetValueOrDefault("advice"))} | |\n");
        b.Append(CultureInfo.InvariantCulture, $"| requests reaching the learned stage | {Share((ReachedLearned, Total))} | <= 30% |\n");
        var learnedRight = LearnedConfusion[0, 0] + LearnedConfusion[1, 1] + LearnedConfusion[2, 2];
        var learnedTotal = DecidedBy.GetValueOrDefault(DifficultyStages.Learned);
        b.Append(CultureInfo.InvariantCulture, $"| learned stage decisions rated as labelled | {Share((learnedRight, learnedTotal))} | |\n\n");
        b.Append("Confusion matrix (rows: label, columns: rating; all requests | the learned stage's decisions):\n\n");
        b.Append("| label \\ rated | 1 | 2 | 3 | learned 1 | learned 2 | learned 3 |\n|---|---|---|---|---|---|---|\n");
        for (var i = 0; i < 3; i++)
        {
            b.Append(CultureInfo.InvariantCulture, $"| {i + 1} | {Confusion[i, 0]} | {Confusion[i, 1]} | {Confusion[i, 2]} | {LearnedConfusion[i, 0]} | {LearnedConfusion[i, 1]} | {LearnedConfusion[i, 2]} |\n");
        }

        b.Append("\n| decided by | requests | share |\n|---|---|---|\n");
        foreach (var (stage, count) in DecidedBy)
        {
            b.Append(CultureInfo.InvariantCulture, $"| {stage} | {count} | {Percent(count, Total)} |\n");
        }

        b.Append("\n| source | rated as labelled |\n|---|---|\n");
        foreach (var (source, counts) in BySource)
        {
            b.Append(CultureInfo.InvariantCulture, $"| {source} | {Share(counts)} |\n");
        }

        return b.ToString();
    }

    private static string Share((int Right, int Total) c) => string.Create(CultureInfo.InvariantCulture, $"{c.Right}/{c.Total} = {Percent(c.Right, c.Total)}");

    private static string Percent(int part, int whole) => whole == 0 ? "-" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
