using System.Text.Json.Nodes;
using KubeServer = Daalu.KubeApiServer.KubeApiServer;

namespace Daalu.Bench.Operator;

/// <summary>
/// Reads the stored objects straight from the test server (no HTTP, so polling adds no API load) and counts those
/// whose status has settled: status.observedGeneration equals metadata.generation and the status says something
/// (a GpuNode phase, a ModelServing Ready condition).
/// </summary>
internal sealed class SettleWatch(KubeServer server, int nodes, int servings)
{
    public int CountSettled()
    {
        var settled = 0;
        for (var i = 0; i < nodes; i++)
        {
            var o = server.Peek("gpunodes", null, Fixture.GpuNodeName(i), Fixture.Group);
            if (Observed(o) && o!["status"]?["phase"] is not null)
            {
                settled++;
            }
        }

        for (var i = 0; i < servings; i++)
        {
            var o = server.Peek("modelservings", Fixture.Namespace, Fixture.ServingName(i), Fixture.Group);
            if (Observed(o) && ReadyReason(o) is not null)
            {
                settled++;
            }
        }

        return settled;
    }

    /// <summary>GpuNode phases and ModelServing Ready condition reasons, with counts.</summary>
    public IReadOnlyList<(string What, int Count)> Outcomes()
    {
        var phases = Enumerable.Range(0, nodes)
            .Select(i => server.Peek("gpunodes", null, Fixture.GpuNodeName(i), Fixture.Group)?["status"]?["phase"]?.GetValue<string>() ?? "(none)")
            .GroupBy(p => p).Select(g => ($"GpuNode phase {g.Key}", g.Count()));
        var reasons = Enumerable.Range(0, servings)
            .Select(i => server.Peek("modelservings", Fixture.Namespace, Fixture.ServingName(i), Fixture.Group))
            .Select(o => ReadyReason(o) is { } r ? $"ModelServing Ready={ReadyStatus(o)} reason {r}" : "ModelServing without Ready")
            .GroupBy(r => r).Select(g => (g.Key, g.Count()));
        return phases.Concat(reasons).OrderBy(x => x.Item1, StringComparer.Ordinal).ToList();
    }

    private static bool Observed(JsonObject? o) =>
        o?["status"]?["observedGeneration"] is JsonValue observed
        && o["metadata"]?["generation"] is JsonValue generation
        && observed.GetValue<long>() == generation.GetValue<long>();

    private static JsonObject? Ready(JsonObject? o) =>
        (o?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");

    private static string? ReadyReason(JsonObject? o) => Ready(o)?["reason"]?.GetValue<string>();

    private static string? ReadyStatus(JsonObject? o) => Ready(o)?["status"]?.GetValue<string>();
}
