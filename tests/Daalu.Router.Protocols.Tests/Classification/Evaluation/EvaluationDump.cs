using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;
using Xunit.Abstractions;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

public class EvaluationDump(ITestOutputHelper output)
{
    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Dump_Misses(string set)
    {
        var cases = EvaluationSet.Load(set);
        var classifier = new RequestClassifier(new DifficultyClassifier(DifficultyModel.Shipped, TimeProvider.System), TimeProvider.System);
        var wrong = 0;
        var matrix = new int[3, 3];
        var stages = new Dictionary<string, int>();
        foreach (var c in cases)
        {
            var text = RequestTextReader.Read(EvaluationSet.ToChatBody(c));
            var r = classifier.Classify(text, CodeDetectionMode.Enforce, true);
            if (r.Code.IsCode != c.IsCode)
            {
                wrong++;
                output.WriteLine($"{c.Id} {c.Category} expected={c.IsCode} got={r.Code.Signal}");
            }

            var d = r.Difficulty!;
            matrix[c.Difficulty - 1, d.Rating - 1]++;
            stages[string.Join(">", d.Stages.Select(s => s.Stage))] = stages.GetValueOrDefault(string.Join(">", d.Stages.Select(s => s.Stage))) + 1;
            if (d.Rating != c.Difficulty)
            {
                output.WriteLine($"D {c.Id} {c.Category} want={c.Difficulty} got={d.Rating} by={d.DecidedBy} {string.Join(" ", d.Stages.Select(s => $"{s.Stage}:{s.Rating}:{s.Confidence:0.00}"))}");
            }
        }

        output.WriteLine($"cases={cases.Count} wrong={wrong}");
        for (var i = 0; i < 3; i++)
        {
            output.WriteLine($"M {i + 1}: {matrix[i, 0]} {matrix[i, 1]} {matrix[i, 2]}");
        }

        foreach (var (k, v) in stages)
        {
            output.WriteLine($"S {k} {v}");
        }

        Assert.NotEmpty(cases);
    }
}
