using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>
/// A parsed <c>fieldSelector</c>: <c>metadata.name</c> and <c>metadata.namespace</c> for every kind (plus the few
/// per-kind fields the real server indexes, e.g. <c>spec.nodeName</c> for pods), with <c>=</c>, <c>==</c>, <c>!=</c>.
/// Unsupported fields get the real server's 400 "field label not supported".
/// </summary>
internal sealed class FieldSelector
{
    private static readonly Dictionary<string, string[]> ExtraFields = new(StringComparer.Ordinal)
    {
        ["Pod"] = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP"],
        ["Event"] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", "regarding.kind", "regarding.name", "regarding.namespace", "regarding.uid"],
        ["Secret"] = ["type"],
        ["Namespace"] = ["status.phase"],
        ["Node"] = ["spec.unschedulable"],
    };

    private readonly List<(string Path, string Value, bool Negate)> _terms = [];

    public bool Matches(JsonObject obj) => _terms.TrueForAll(t => (Read(obj, t.Path) == t.Value) != t.Negate);

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        var selector = new FieldSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            var (i, len, negate) = part.IndexOf("!=", StringComparison.Ordinal) is var ne and > 0 ? (ne, 2, true)
                : part.IndexOf("==", StringComparison.Ordinal) is var eq2 and > 0 ? (eq2, 2, false)
                : part.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (eq, 1, false)
                : throw ApiError.BadRequest($"invalid selector: '{part}'; can't understand '{part}'");
            var path = part[..i].Trim();
            var supported = path is "metadata.name" or "metadata.namespace"
                || (ExtraFields.TryGetValue(type.Kind, out var extra) && extra.Contains(path));
            if (!supported)
            {
                throw ApiError.BadRequest($"field label not supported: {path}");
            }

            selector._terms.Add((path, part[(i + len)..].Trim(), negate));
        }

        return selector;
    }

    private static string Read(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var segment in path.Split('.'))
        {
            node = node is JsonObject o ? o[segment] : null;
        }

        return node switch
        {
            null => string.Empty,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => node.ToJsonString(),
        };
    }
}
