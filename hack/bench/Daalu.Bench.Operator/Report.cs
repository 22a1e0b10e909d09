using System.Globalization;
using System.Text;
using KubeServer = Daalu.KubeApiServer.KubeApiServer;

namespace Daalu.Bench.Operator;

/// <summary>The Markdown report of one run.</summary>
internal static class Report
{
    public static string Render(
        BenchOptions o, KubeServer server, SettleWatch watch, double elapsed, double? firstRequestAt, double? allSettledAt, double lastWriteAt,
        double cpuSeconds, double rssMiB, double peakRssMiB, IReadOnlyList<(string What, int Count)> events)
    {
        var inv = CultureInfo.InvariantCulture;
        var writes = server.Requests.Where(r => r.User == "operator" && r.IsWrite).ToList();
        var reads = server.Requests.Count(r => r.User == "operator" && !r.IsWrite);
        var byKind = writes
            .GroupBy(r => (Resource: r.Resource ?? r.Path, r.Subresource, r.Verb, Ok: r.StatusCode < 300))
            .OrderBy(g => g.Key.Resource, StringComparer.Ordinal).ThenBy(g => g.Key.Subresource, StringComparer.Ordinal).ThenBy(g => g.Key.Verb, StringComparer.Ordinal)
            .ToList();
        int Count(params string[] resources) => writes.Count(w => resources.Contains(w.Resource));
        var servingWrites = Count("modelservings", "deployments", "services");
        var nodeWrites = Count("gpunodes", "nodes", "daemonsets");
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"### Operator benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine();
        sb.AppendLine(inv, $"{o.Servings} ModelServings on {o.Nodes} GpuNodes (one Node each), all created before the operator starts; the operator");
        sb.AppendLine(inv, $"(Release build, its own process{(o.OperatorCpu is { } c ? $" pinned to CPU {c}" : string.Empty)}) against tests/Daalu.KubeApiServer (CEL rules {(o.Cel ? "on" : "off")}, its ownerReference collector {(o.ServerGc ? "on (incremental)" : "off: nothing is deleted")}).");
        sb.AppendLine(inv, $"Settled: every status has observedGeneration = generation and a phase / Ready condition, then {o.QuietSeconds:0} s without a write.");
        sb.AppendLine();
        sb.AppendLine("| measure | value |");
        sb.AppendLine("|---|---:|");
        sb.AppendLine(inv, $"| first API request after process start (s) | {Fmt(firstRequestAt)} |");
        sb.AppendLine(inv, $"| **every status settled** after process start (s) | **{Fmt(allSettledAt)}** |");
        sb.AppendLine(inv, $"| last write after process start (s) | {lastWriteAt:0.00} |");
        sb.AppendLine(inv, $"| API writes by the operator, total | {writes.Count} |");
        sb.AppendLine(inv, $"| **writes per ModelServing** (its status, Deployment, Service) | **{(o.Servings > 0 ? (double)servingWrites / o.Servings : 0):0.00}** |");
        sb.AppendLine(inv, $"| writes per GpuNode (its status and finalizer, Node labels, DaemonSet) | {(double)nodeWrites / o.Nodes:0.00} |");
        sb.AppendLine(inv, $"| Event writes | {Count("events")} |");
        sb.AppendLine(inv, $"| API reads (list, watch, get) by the operator | {reads} |");
        sb.AppendLine(inv, $"| **operator RSS at the end / peak (MiB)** | **{rssMiB:0} / {peakRssMiB:0}** |");
        sb.AppendLine(inv, $"| operator CPU time until settled + quiet (s) | {cpuSeconds:0.00} |");
        sb.AppendLine(inv, $"| operator CPU per object (ms) | {cpuSeconds * 1000 / (o.Nodes + o.Servings):0.00} |");
        sb.AppendLine();
        sb.AppendLine("Writes by kind:");
        sb.AppendLine();
        sb.AppendLine("| resource | subresource | verb | answered | count |");
        sb.AppendLine("|---|---|---|---|---:|");
        foreach (var g in byKind)
        {
            sb.AppendLine(inv, $"| {g.Key.Resource} | {g.Key.Subresource ?? "-"} | {g.Key.Verb} | {(g.Key.Ok ? "2xx" : "error")} | {g.Count()} |");
        }

        sb.AppendLine();
        sb.AppendLine("Outcomes:");
        sb.AppendLine();
        sb.AppendLine("| status | count |");
        sb.AppendLine("|---|---:|");
        foreach (var (what, count) in watch.Outcomes())
        {
            sb.AppendLine(inv, $"| {what} | {count} |");
        }

        // Each Event is one write and records one status transition, so this says which transitions the writes were.
        sb.AppendLine();
        sb.AppendLine("Events recorded (one per status phase change):");
        sb.AppendLine();
        sb.AppendLine("| involved kind, type, reason | count |");
        sb.AppendLine("|---|---:|");
        foreach (var (what, count) in events)
        {
            sb.AppendLine(inv, $"| {what} | {count} |");
        }

        return sb.ToString();
    }

    private static string Fmt(double? seconds) => seconds is { } s ? s.ToString("0.00", CultureInfo.InvariantCulture) : "not reached";
}
