using System.Text.Json.Nodes;

namespace Daalu.Runtime.Status;

/// <summary>Computes RFC 7386 JSON merge patches (the smallest patch that turns one document into another).</summary>
public static class JsonMergePatch
{
    /// <summary>
    /// The merge patch turning <paramref name="current"/> into <paramref name="desired"/>, or <c>Changed = false</c>
    /// when they are equal. Null-valued properties count as absent on both sides, because the API server drops them.
    /// </summary>
    public static (bool Changed, JsonNode? Patch) Diff(JsonNode? current, JsonNode? desired)
    {
        current = WithoutNulls(current);
        desired = WithoutNulls(desired);
        return DiffNormalized(current, desired);
    }

    /// <summary>A copy of <paramref name="node"/> without null-valued object properties.</summary>
    public static JsonNode? WithoutNulls(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, WithoutNulls(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(WithoutNulls)]),
        _ => node.DeepClone(),
    };

    private static (bool Changed, JsonNode? Patch) DiffNormalized(JsonNode? current, JsonNode? desired)
    {
        if (current is JsonObject currentObject && desired is JsonObject desiredObject)
        {
            var patch = new JsonObject();
            foreach (var (name, value) in desiredObject)
            {
                if (!currentObject.TryGetPropertyValue(name, out var old))
                {
                    patch[name] = value?.DeepClone();
                    continue;
                }

                var (changed, sub) = DiffNormalized(old, value);
                if (changed)
                {
                    patch[name] = sub;
                }
            }

            foreach (var (name, _) in currentObject)
            {
                if (!desiredObject.ContainsKey(name))
                {
                    // JSON null in a merge patch deletes the field.
                    patch[name] = null;
                }
            }

            return patch.Count == 0 ? (false, null) : (true, patch);
        }

        return JsonNode.DeepEquals(current, desired) ? (false, null) : (true, desired?.DeepClone());
    }
}
