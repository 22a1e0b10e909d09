using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>
/// Server-side apply merging: the applied configuration is merged into the live object. Lists merge by key where
/// the schema says so (built-in patch merge keys; <c>x-kubernetes-list-type: map</c> with
/// <c>x-kubernetes-list-map-keys</c> and <c>set</c> in CRD schemas) and are atomic otherwise, as in structured-merge-diff.
/// </summary>
internal static class ServerSideApply
{
    public static JsonObject Merge(ResourceType type, JsonObject? live, JsonObject applied)
    {
        if (live is null)
        {
            return (JsonObject)applied.DeepClone();
        }

        return type.Schema is null
            ? (JsonObject)StrategicMergePatch.Apply(live, applied)!
            : (JsonObject)MergeWithSchema(live, applied, type.Schema);
    }

    private static JsonNode MergeWithSchema(JsonNode? live, JsonNode applied, JsonObject? schema)
    {
        switch (applied)
        {
            case JsonObject appliedObject:
            {
                var result = live is JsonObject l ? (JsonObject)l.DeepClone() : [];
                foreach (var (key, value) in appliedObject)
                {
                    if (value is null)
                    {
                        result.Remove(key);
                        continue;
                    }

                    result[key] = MergeWithSchema(result[key], value, ChildSchema(schema, key));
                }

                return result;
            }

            case JsonArray appliedList when live is JsonArray liveList && ListType(schema) is "map" or "set":
            {
                var keys = schema!["x-kubernetes-list-map-keys"] is JsonArray k ? k.Select(n => n!.GetValue<string>()).ToArray() : [];
                var result = (JsonArray)liveList.DeepClone();
                foreach (var item in appliedList)
                {
                    var index = IndexOf(result, item, keys);
                    if (index >= 0)
                    {
                        result[index] = keys.Length == 0 ? item?.DeepClone() : MergeWithSchema(result[index], item!, schema["items"] as JsonObject);
                    }
                    else
                    {
                        result.Add(item?.DeepClone());
                    }
                }

                return result;
            }

            default:
                return applied.DeepClone();
        }
    }

    internal static int IndexOf(JsonArray list, JsonNode? item, string[] keys)
    {
        for (var i = 0; i < list.Count; i++)
        {
            var same = keys.Length == 0
                ? JsonNode.DeepEquals(list[i], item)
                : keys.All(k => JsonNode.DeepEquals(list[i]?[k], item?[k]));
            if (same)
            {
                return i;
            }
        }

        return -1;
    }

    internal static string? ListType(JsonObject? schema) => schema?["x-kubernetes-list-type"]?.GetValue<string>();

    internal static JsonObject? ChildSchema(JsonObject? schema, string key) =>
        schema?["properties"]?[key] as JsonObject
        ?? schema?["additionalProperties"] as JsonObject;
}
