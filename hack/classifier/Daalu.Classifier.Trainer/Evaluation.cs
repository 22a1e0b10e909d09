using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;

namespace Daalu.Classifier.Trainer;

/// <summary>
/// Rates labelled requests with the whole difficulty pipeline (code detection, heuristic, learned stage, conversation;
/// as <c>EvaluationReport</c> in the test project does) and counts two confusion matrices: over every request, and over
/// the requests the learned stage decides.
/// </summary>
internal sealed class Evaluation
{
    public int[,] All { get; } = new int[3, 3];

    public int[,] Learned { get; } = new int[3, 3];

    public static Evaluation Run(DifficultyModel model, IEnumerable<(JsonObject Body, int Label)> cases)
    {
        var classifier = new RequestClassifier(new DifficultyClassifier(model, TimeProvider.System), TimeProvider.System);
        var evaluation = new Evaluation();
        foreach (var (body, label) in cases)
        {
            var d = classifier.Classify(RequestTextReader.Read(body), CodeDetectionMode.Enforce, rateDifficulty: true).Difficulty!;
            evaluation.All[label - 1, d.Rating - 1]++;
            if (d.DecidedBy == DifficultyStages.Learned)
            {
                evaluation.Learned[label - 1, d.Rating - 1]++;
            }
        }

        return evaluation;
    }

    public static JsonObject Chat(string text) => new()
    {
        ["model"] = "auto",
        ["messages"] = new JsonArray { new JsonObject { ["role"] = "user", ["content"] = text } },
    };

    public static string Accuracy(int[,] m)
    {
        var total = 0;
        var right = 0;
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                total += m[i, j];
                right += i == j ? m[i, j] : 0;
            }
        }

        return total == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{right}/{total} = {100.0 * right / total:F1}%");
    }

    /// <summary>Two confusion matrices side by side (rows: label, columns: rating), as a markdown table.</summary>
    public static string SideBySide(string left, int[,] a, string right, int[,] b)
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"| label \\ rated | {left} 1 | {left} 2 | {left} 3 | {right} 1 | {right} 2 | {right} 3 |\n");
        s.Append("|---|---|---|---|---|---|---|\n");
        for (var i = 0; i < 3; i++)
        {
            s.Append(CultureInfo.InvariantCulture, $"| {i + 1} | {a[i, 0]} | {a[i, 1]} | {a[i, 2]} | {b[i, 0]} | {b[i, 1]} | {b[i, 2]} |\n");
        }

        return s.ToString();
    }
}
