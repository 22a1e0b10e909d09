using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>) for the built-in kinds. Maps merge like a
/// merge patch; lists with a Kubernetes patch merge key merge element-wise by that key (containers, initContainers,
/// volumes, env, imagePullSecrets by name; volumeMounts by mountPath; container ports by containerPort; service
/// ports by port; conditions by type; ownerReferences by uid); <c>metadata.finalizers</c> merges as a set; every
/// other list is replaced. Directives <c>$patch: replace|delete</c> and <c>$deleteFromPrimitiveList/</c> are
/// honoured; <c>$setElementOrder/</c> and <c>$retainKeys</c> are accepted and ignored (element order is the
/// existing order followed by new elements).
/// </summary>
internal static class StrategicMergePatch
{
    private static readonly HashSet<string> ContainerLists = new(StringComparer.Ordinal) { "containers", "initContainers", "ephemeralContainers" };

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch) => Merge(target, patch, parentList: null);

    /// <summary>The merge key of a list field, "" for a set of primitives, or null when the list is atomic.</summary>
    public static string? MergeKey(string field, string? parentList) => field switch
    {
        "containers" or "initContainers" or "ephemeralContainers" or "volumes" or "env" or "imagePullSecrets" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ports" => parentList is not null && ContainerLists.Contains(parentList) ? "containerPort" : "port",
        "conditions" => "type",
        "ownerReferences" => "uid",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        "finalizers" => string.Empty,
        _ => null,
    };

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch, string? parentList)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var directive = patchObject["$patch"]?.GetValue<string>();
        if (directive == "replace")
        {
            var replaced = (JsonObject)patchObject.DeepClone();
            replaced.Remove("$patch");
            return replaced;
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (key is "$patch" or "$retainKeys" || key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray existing && value is JsonArray remove)
                {
                    var drop = remove.Select(r => r?.ToJsonString()).ToHashSet(StringComparer.Ordinal);
                    result[field] = new JsonArray(existing.Where(e => !drop.Contains(e?.ToJsonString())).Select(e => e?.DeepClone()).ToArray());
                }

                continue;
            }

            if (value is null)
            {
                result.Remove(key);
                continue;
            }

            if (value is JsonArray patchList && MergeKey(key, parentList) is { } mergeKey)
            {
                result[key] = MergeList(result[key] as JsonArray, patchList, mergeKey, key);
                continue;
            }

            if (value is JsonObject nested && nested["$patch"]?.GetValue<string>() == "delete")
            {
                result.Remove(key);
                continue;
            }

            result[key] = Merge(result[key], value, parentList);
        }

        return result;
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, string mergeKey, string field)
    {
        var result = target is null ? [] : (JsonArray)target.DeepClone();
        if (mergeKey.Length == 0)
        {
            var present = result.Select(e => e?.ToJsonString()).ToHashSet(StringComparer.Ordinal);
            foreach (var item in patch)
            {
                if (present.Add(item?.ToJsonString()))
                {
                    result.Add(item?.DeepClone());
                }
            }

            return result;
        }

        foreach (var item in patch)
        {
            if (item is JsonObject obj && obj["$patch"]?.GetValue<string>() == "replace")
            {
                var all = new JsonArray();
                foreach (var p in patch)
                {
                    if (p is JsonObject po && po["$patch"] is null)
                    {
                        all.Add(po.DeepClone());
                    }
                }

                return all;
            }
        }

        foreach (var item in patch)
        {
            if (item is not JsonObject element)
            {
                result.Add(item?.DeepClone());
                continue;
            }

            var keyValue = element[mergeKey]?.ToJsonString();
            var index = -1;
            for (var i = 0; i < result.Count; i++)
            {
                if (result[i] is JsonObject existing && existing[mergeKey]?.ToJsonString() == keyValue)
                {
                    index = i;
                    break;
                }
            }

            if (element["$patch"]?.GetValue<string>() == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0)
            {
                result[index] = Merge(result[index], element, field);
            }
            else
            {
                result.Add(Merge(null, element, field));
            }
        }

        return result;
    }
}
