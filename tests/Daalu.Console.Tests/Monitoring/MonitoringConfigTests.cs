using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Daalu.Console.Tests.Infrastructure;
using Daalu.Runtime.Diagnostics;
using Daalu.TestDoubles.Dcgm;

namespace Daalu.Console.Tests.Monitoring;

/// <summary>config/monitoring: the Grafana dashboard queries only metrics that exist, and the kustomization builds.</summary>
[Collection(ConsoleTestGroup.Name)]
public sealed partial class MonitoringConfigTests(ConsoleWorld world)
{
    private static readonly string Dir = Path.Combine(RepoRoot(), "config", "monitoring");

    [Fact]
    public async Task Dashboard_EveryQueriedMetric_IsExportedByRouterOperatorOrDcgmExporter()
    {
        var exported = new HashSet<string>(StringComparer.Ordinal);
        AddNames(exported, await world.Http.GetStringAsync("/metrics"));
        var operatorMetrics = new OperatorMetrics(Prometheus.Metrics.NewCustomRegistry());
        using (var text = new MemoryStream())
        {
            await operatorMetrics.Registry.CollectAndExportAsTextAsync(text);
            AddNames(exported, System.Text.Encoding.UTF8.GetString(text.ToArray()));
        }

        var dcgm = new DcgmExporterDouble();
        dcgm.Gpus.Add(new DcgmGpu { Index = "0" });
        AddNames(exported, dcgm.Render());

        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Dir, "grafana-dashboard.json")))!;
        var queried = new HashSet<string>(StringComparer.Ordinal);
        var panels = dashboard["panels"]!.AsArray().Where(p => p!["type"]!.GetValue<string>() != "row").ToList();
        Assert.True(panels.Count >= 15);
        foreach (var panel in panels)
        {
            Assert.Equal("${datasource}", panel!["datasource"]!["uid"]!.GetValue<string>());
            foreach (var target in panel["targets"]!.AsArray())
            {
                var expr = Matchers().Replace(ByClause().Replace(target!["expr"]!.GetValue<string>(), string.Empty), string.Empty);
                foreach (Match m in MetricName().Matches(expr))
                {
                    queried.Add(Suffix().Replace(m.Value, string.Empty));
                }
            }
        }

        Assert.Contains("gen_ai_client_token_usage", queried);
        Assert.Contains("daalu_reconcile_total", queried);
        Assert.Contains("DCGM_FI_DEV_GPU_UTIL", queried);
        Assert.Equal([], queried.Where(q => !exported.Contains(q)).Order(StringComparer.Ordinal).ToList());
    }

    [SkippableFact]
    public void Kustomize_Monitoring_ServiceMonitorPodMonitorAndDashboardConfigMap()
    {
        Skip.If(!File.Exists("/usr/bin/kubectl"), "kubectl is not installed (Debian package kubernetes-client)");
        var psi = new ProcessStartInfo("/usr/bin/kubectl", ["kustomize", Dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("kind: ServiceMonitor", output, StringComparison.Ordinal);
        Assert.Contains("kind: PodMonitor", output, StringComparison.Ordinal);
        Assert.Contains("name: daalu-grafana-dashboard", output, StringComparison.Ordinal);
        Assert.Contains("grafana_dashboard: \"1\"", output, StringComparison.Ordinal);
        Assert.Contains("namespace: daalu-system", output, StringComparison.Ordinal);
    }

    private static void AddNames(HashSet<string> names, string exposition)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                names.Add(line.Split(' ')[2]);
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                names.Add(Suffix().Replace(line.Split('{', ' ')[0], string.Empty));
            }
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex(@"\b(daalu_[a-z_]+|gen_ai_[a-z_]+|DCGM_FI_[A-Z_]+)\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\bby \([^)]*\)")]
    private static partial Regex ByClause();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"_(bucket|sum|count)$")]
    private static partial Regex Suffix();
}
