using Xunit.Abstractions;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

// Recomputes the headline figures of docs/classification.md from the held-out sets, so the report cannot drift from
// the code. To refresh the report after a deliberate change: DAALU_WRITE_EVALUATION=1 dotnet test --filter EvaluationReportTests
public class EvaluationReportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Render_HeldOutSet_MatchesTheReportInDocs(string set)
    {
        var report = EvaluationReport.Compute(set);
        foreach (var miss in report.Misses)
        {
            output.WriteLine(miss);
        }

        var docPath = Path.Combine(RepoRoot(), "docs", "classification.md");
        var doc = File.ReadAllText(docPath).ReplaceLineEndings("\n");
        var begin = $"<!-- evaluation:{set} begin";
        var end = $"<!-- evaluation:{set} end -->";
        var from = doc.IndexOf(begin, StringComparison.Ordinal);
        var to = doc.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"docs/classification.md has no evaluation:{set} block");
        var rendered = report.Render();
        if (Environment.GetEnvironmentVariable("DAALU_WRITE_EVALUATION") == "1")
        {
            File.WriteAllText(docPath, doc[..from] + rendered + doc[(to + end.Length)..]);
            doc = File.ReadAllText(docPath);
            from = doc.IndexOf(begin, StringComparison.Ordinal);
            to = doc.IndexOf(end, StringComparison.Ordinal);
        }

        Assert.Equal(rendered, doc[from..(to + end.Length)]);
    }

    [Fact]
    public void Compute_SetB_MeetsTheDetectionTargets()
    {
        var report = EvaluationReport.Compute("b");

        Assert.True(report.Recall >= 0.97, $"recall {report.Recall:P1}");
        Assert.True(report.FalsePositiveRate <= 0.03, $"false positives {report.FalsePositiveRate:P1}");
    }

    [Fact]
    public void Parse_RecordsWithTurns_SplitsRolesAndKeepsDashLinesOfDiffs()
    {
        var cases = EvaluationSet.Parse("# c\n=== x1 code=y difficulty=2 category=t\n--- user\nhi\n--- a/x.py\n--- tool\nout\n=== x2 code=n difficulty=1 category=u\nplain\n");

        Assert.Equal(2, cases.Count);
        Assert.Equal([("user", "hi\n--- a/x.py"), ("tool", "out")], cases[0].Turns);
        Assert.Equal([("user", "plain")], cases[1].Turns);
        Assert.False(cases[1].IsCode);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("the tests run inside the repository");
    }
}
