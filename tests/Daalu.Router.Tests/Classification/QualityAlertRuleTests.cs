using System.Text;
using Daalu.Router.Classification.Quality;
using Daalu.Router.Observability;
using Prometheus;
using Xunit;

namespace Daalu.Router.Tests.Classification;

// config/monitoring/prometheusrule-router.yaml alerts on series the router exports, at the documented threshold.
public class QualityAlertRuleTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public async Task AlertRule_QueriesExportedSeriesAtTheDocumentedThreshold()
    {
        var rule = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "config", "monitoring", "prometheusrule-router.yaml"));
        using var metrics = new RouterMetrics();
        metrics.QualityScore.WithLabels("OwnGpu", "m").Observe(4);
        using var text = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(text);
        var exported = Encoding.UTF8.GetString(text.ToArray());

        Assert.Contains("alert: DaaluAnswerQualityLow", rule, StringComparison.Ordinal);
        Assert.Contains(") < " + QualityWatch.AlertBelow.ToString(System.Globalization.CultureInfo.InvariantCulture), rule, StringComparison.Ordinal);
        foreach (var series in new[] { "daalu_router_quality_score_sum", "daalu_router_quality_score_count" })
        {
            Assert.Contains(series + "[6h]", rule, StringComparison.Ordinal);
            Assert.Contains(series + "{tier=\"OwnGpu\",model=\"m\"}", exported, StringComparison.Ordinal);
        }
    }
}
