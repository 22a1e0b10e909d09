using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>The discovery documents (<c>/version</c>, <c>/api</c>, <c>/apis</c>, <c>/api/v1</c>, <c>/apis/{group}/{version}</c>) and health endpoints.</summary>
internal static class Discovery
{
    private static readonly string[] ObjectVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] StatusVerbs = ["get", "patch", "update"];

    public static JsonObject? Answer(string path, IReadOnlyList<ResourceType> types, string host)
    {
        var trimmed = path.TrimEnd('/');
        switch (trimmed)
        {
            case "/version":
                return new JsonObject
                {
                    ["major"] = "1",
                    ["minor"] = "33",
                    ["gitVersion"] = "v1.33.0-daalu-kubeapiserver",
                    ["platform"] = "linux/amd64",
                };
            case "/healthz" or "/readyz" or "/livez":
                return new JsonObject { ["status"] = "ok" };
            case "/api":
                return new JsonObject
                {
                    ["kind"] = "APIVersions",
                    ["versions"] = new JsonArray("v1"),
                    ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = host }),
                };
            case "/apis":
            {
                var groups = new JsonArray();
                foreach (var g in types.Where(t => t.Group.Length > 0).GroupBy(t => t.Group))
                {
                    var versions = new JsonArray(g.Select(t => t.Version).Distinct().Select(v => (JsonNode)new JsonObject { ["groupVersion"] = g.Key + "/" + v, ["version"] = v }).ToArray());
                    groups.Add(new JsonObject
                    {
                        ["name"] = g.Key,
                        ["versions"] = versions,
                        ["preferredVersion"] = versions[0]!.DeepClone(),
                    });
                }

                return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
            }
        }

        var segments = trimmed.Trim('/').Split('/');
        var groupVersion = segments switch
        {
            ["api", var v] => v,
            ["apis", var g, var v] => g + "/" + v,
            _ => null,
        };
        var matching = types.Where(t => t.ApiVersion == groupVersion).ToList();
        if (groupVersion is null || matching.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var t in matching)
        {
            resources.Add(new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray(ObjectVerbs.Select(v => (JsonNode)v).ToArray()),
                ["shortNames"] = new JsonArray(t.ShortNames.Select(v => (JsonNode)v).ToArray()),
                ["categories"] = new JsonArray(t.Categories.Select(v => (JsonNode)v).ToArray()),
            });
            if (t.HasStatusSubresource)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/status",
                    ["singularName"] = string.Empty,
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray(StatusVerbs.Select(v => (JsonNode)v).ToArray()),
                });
            }
        }

        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = resources };
    }
}
