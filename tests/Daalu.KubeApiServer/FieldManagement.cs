using System.Globalization;
using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>
/// Simplified server-side apply field ownership, kept where the real server keeps it: in <c>metadata.managedFields</c>
/// (FieldsV1 trees with <c>f:</c> fields, <c>k:</c> keyed list elements, <c>v:</c> set values and <c>.</c> markers).
/// Tracked: every field except apiVersion, kind, the system metadata and (for kinds with the subresource) status;
/// in metadata only labels, annotations, finalizers and ownerReferences. Lists are keyed by the built-in patch merge
/// keys or the CRD's <c>x-kubernetes-list-type: map|set</c>; other lists are atomic. An Update takes ownership of the
/// fields whose values it changed (others lose them); an Apply owns exactly the fields in its configuration, conflicts
/// (409) when it would change a value another manager owns (unless force), and removes fields it applied before and
/// no longer applies when no other manager owns them. Not modelled: per-version entries, subresource entries,
/// conflicts between an Apply and an Update by the same manager name.
/// </summary>
internal static class FieldManagement
{
    private const char Sep = '\u001f';

    public static HashSet<string> Paths(ResourceType type, JsonObject obj, bool includeStatus)
    {
        var into = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind" || (key == "status" && !includeStatus))
            {
                continue;
            }

            if (key == "metadata")
            {
                if (value is JsonObject meta)
                {
                    foreach (var tracked in new[] { "labels", "annotations", "finalizers", "ownerReferences" })
                    {
                        if (meta[tracked] is { } v)
                        {
                            Walk(v, "f:metadata" + Sep + "f:" + tracked, null, tracked, null, type.IsCustom, into);
                        }
                    }
                }

                continue;
            }

            Walk(value, "f:" + key, ServerSideApply.ChildSchema(type.Schema, key), key, null, type.IsCustom, into);
        }

        return into;
    }

    private static void Walk(JsonNode? node, string prefix, JsonObject? schema, string field, string? parentList, bool custom, HashSet<string> into)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (k, v) in o)
                {
                    Walk(v, prefix + Sep + "f:" + k, ServerSideApply.ChildSchema(schema, k), k, parentList, custom, into);
                }

                break;
            case JsonArray a:
            {
                var keys = ListKeys(field, parentList, schema, custom, a);
                if (keys is null)
                {
                    into.Add(prefix);
                    break;
                }

                foreach (var item in a)
                {
                    if (keys.Length == 0)
                    {
                        into.Add(prefix + Sep + "v:" + JsonText.Write(item ?? JsonValue.Create(string.Empty)));
                        continue;
                    }

                    var segment = prefix + Sep + KeySegment(item!, keys);
                    into.Add(segment + Sep + ".");
                    Walk(item, segment, schema?["items"] as JsonObject, field, field, custom, into);
                }

                break;
            }

            default:
                into.Add(prefix);
                break;
        }
    }

    /// <summary>null for an atomic list, empty for a set, else the map keys.</summary>
    private static string[]? ListKeys(string field, string? parentList, JsonObject? schema, bool custom, JsonArray list)
    {
        if (custom)
        {
            return ServerSideApply.ListType(schema) switch
            {
                "set" => [],
                "map" => schema!["x-kubernetes-list-map-keys"] is JsonArray k ? k.Select(n => n!.GetValue<string>()).ToArray() : null,
                _ => null,
            };
        }

        var key = StrategicMergePatch.MergeKey(field, parentList);
        if (key is null)
        {
            return null;
        }

        return key.Length == 0 ? [] : list.All(i => i is JsonObject o && o[key] is not null) ? [key] : null;
    }

    private static string KeySegment(JsonNode item, string[] keys)
    {
        var k = new JsonObject();
        foreach (var key in keys)
        {
            k[key] = item[key]?.DeepClone();
        }

        return "k:" + JsonText.Write(k);
    }

    /// <summary>The node a path points at in an object (the element itself for a "." marker), or null.</summary>
    public static JsonNode? Resolve(JsonNode? root, string path)
    {
        var node = root;
        foreach (var segment in path.Split(Sep))
        {
            if (node is null)
            {
                return null;
            }

            node = segment switch
            {
                "." => node,
                _ when segment.StartsWith("f:", StringComparison.Ordinal) => (node as JsonObject)?[segment[2..]],
                _ when segment.StartsWith("k:", StringComparison.Ordinal) => FindElement(node as JsonArray, JsonNode.Parse(segment[2..]) as JsonObject),
                _ when segment.StartsWith("v:", StringComparison.Ordinal) => (node as JsonArray)?.FirstOrDefault(e => JsonNode.DeepEquals(e, JsonNode.Parse(segment[2..]))),
                _ => null,
            };
        }

        return node;
    }

    private static JsonNode? FindElement(JsonArray? list, JsonObject? key) =>
        list?.FirstOrDefault(e => e is JsonObject o && key is not null && key.All(kv => JsonNode.DeepEquals(o[kv.Key], kv.Value)));

    /// <summary>Removes the field (or keyed element, or set value) a path points at.</summary>
    public static void Remove(JsonObject root, string path)
    {
        var segments = path.Split(Sep);
        if (segments[^1] == ".")
        {
            segments = segments[..^1];
        }

        var parent = segments.Length == 1 ? root : Resolve(root, string.Join(Sep, segments[..^1]));
        var last = segments[^1];
        switch (parent)
        {
            case JsonObject o when last.StartsWith("f:", StringComparison.Ordinal):
                o.Remove(last[2..]);
                break;
            case JsonArray a when Resolve(root, string.Join(Sep, segments)) is { } element:
                a.Remove(element);
                break;
        }
    }

    public static string Describe(string path) =>
        string.Concat(path.Split(Sep).Where(s => s != ".").Select(s => s.StartsWith("f:", StringComparison.Ordinal) ? "." + s[2..] : "[" + s[2..] + "]"));

    /// <summary>The ownership recorded in an object's managedFields, by (manager, operation).</summary>
    public static Dictionary<(string Manager, string Operation), (HashSet<string> Paths, string Time, string ApiVersion)> Read(JsonObject? obj)
    {
        var result = new Dictionary<(string, string), (HashSet<string>, string, string)>();
        if (obj?["metadata"]?["managedFields"] is not JsonArray entries)
        {
            return result;
        }

        foreach (var entry in entries.OfType<JsonObject>())
        {
            var paths = new HashSet<string>(StringComparer.Ordinal);
            Flatten(entry["fieldsV1"] as JsonObject, string.Empty, paths);
            result[(entry["manager"]?.GetValue<string>() ?? string.Empty, entry["operation"]?.GetValue<string>() ?? "Update")] =
                (paths, entry["time"]?.GetValue<string>() ?? string.Empty, entry["apiVersion"]?.GetValue<string>() ?? string.Empty);
        }

        return result;
    }

    private static void Flatten(JsonObject? tree, string prefix, HashSet<string> into)
    {
        if (tree is null)
        {
            return;
        }

        foreach (var (k, v) in tree)
        {
            var path = prefix.Length == 0 ? k : prefix + Sep + k;
            if (v is JsonObject { Count: > 0 } child)
            {
                Flatten(child, path, into);
            }
            else
            {
                into.Add(path);
            }
        }
    }

    /// <summary>
    /// Updates <paramref name="next"/>'s managedFields for a write by <paramref name="ctx"/>'s manager, from the
    /// ownership recorded in <paramref name="old"/> (null on create).
    /// </summary>
    public static void Record(ResourceType type, JsonObject next, JsonObject? old, WriteContext ctx, string subresource, string now)
    {
        var includeStatus = !type.HasStatusSubresource || subresource == "status";
        var owners = Read(old);
        var nextPaths = Paths(type, next, includeStatus);
        var oldPaths = old is null ? [] : Paths(type, old, includeStatus);
        var changed = nextPaths.Where(p => !p.EndsWith(Sep + ".", StringComparison.Ordinal) && (!oldPaths.Contains(p) || !JsonNode.DeepEquals(Resolve(old, p), Resolve(next, p)))).ToHashSet(StringComparer.Ordinal);
        foreach (var p in nextPaths.Where(p => !oldPaths.Contains(p)))
        {
            changed.Add(p);
        }

        var operation = ctx.IsApply ? "Apply" : "Update";
        var mine = (ctx.Manager, operation);
        foreach (var key in owners.Keys.ToList())
        {
            var (paths, time, apiVersion) = owners[key];
            var kept = paths.Where(p => nextPaths.Contains(p) && (key == mine || !changed.Contains(p))).ToHashSet(StringComparer.Ordinal);
            owners[key] = (kept, kept.SetEquals(paths) ? time : now, apiVersion);
        }

        var myPaths = ctx.IsApply
            ? Paths(type, (JsonObject)JsonNode.Parse(ctx.AppliedConfigurationJson!)!, includeStatus).Where(nextPaths.Contains).ToHashSet(StringComparer.Ordinal)
            : owners.TryGetValue(mine, out var existing) ? existing.Paths.Union(changed).ToHashSet(StringComparer.Ordinal) : changed;
        var previous = owners.TryGetValue(mine, out var prev) ? prev : (Paths: new HashSet<string>(), Time: now, ApiVersion: type.ApiVersion);
        owners[mine] = (myPaths, previous.Paths.SetEquals(myPaths) ? previous.Time : now, type.ApiVersion);

        var entries = new JsonArray();
        foreach (var ((manager, op), (paths, time, apiVersion)) in owners.OrderBy(kv => kv.Value.Time, StringComparer.Ordinal).ThenBy(kv => kv.Key.Manager, StringComparer.Ordinal))
        {
            if (paths.Count == 0)
            {
                continue;
            }

            entries.Add(new JsonObject
            {
                ["manager"] = manager,
                ["operation"] = op,
                ["apiVersion"] = apiVersion,
                ["time"] = time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = Tree(paths),
            });
        }

        var meta = ObjectStore.Metadata(next);
        if (entries.Count > 0)
        {
            meta["managedFields"] = entries;
        }
        else
        {
            meta.Remove("managedFields");
        }
    }

    private static JsonObject Tree(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var segment in path.Split(Sep))
            {
                if (node[segment] is not JsonObject child)
                {
                    child = [];
                    node[segment] = child;
                }

                node = child;
            }
        }

        return root;
    }

    /// <summary>The apply step before admission: conflicts, merge, and removal of fields this manager stopped applying.</summary>
    public static JsonObject Apply(ResourceType type, JsonObject? live, JsonObject applied, WriteContext ctx, string subresource)
    {
        if (live is null)
        {
            return (JsonObject)applied.DeepClone();
        }

        var includeStatus = !type.HasStatusSubresource || subresource == "status";
        var owners = Read(live);
        var appliedPaths = Paths(type, applied, includeStatus);
        var conflicts = new List<(string Manager, string Path)>();
        foreach (var ((manager, _), (paths, _, _)) in owners)
        {
            if (manager == ctx.Manager)
            {
                continue;
            }

            foreach (var p in paths.Intersect(appliedPaths))
            {
                if (!p.EndsWith(Sep + ".", StringComparison.Ordinal) && !JsonNode.DeepEquals(Resolve(live, p), Resolve(applied, p)))
                {
                    conflicts.Add((manager, p));
                }
            }
        }

        if (conflicts.Count > 0 && !ctx.Force)
        {
            var list = string.Join(", ", conflicts.Select(c => $"conflict with \"{c.Manager}\": {Describe(c.Path)}"));
            var noun = conflicts.Count == 1 ? "conflict" : "conflicts";
            var details = StatusObjects.Details(type, live["metadata"]?["name"]?.GetValue<string>() ?? string.Empty);
            details["causes"] = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
            {
                ["reason"] = "FieldManagerConflict",
                ["message"] = $"conflict with \"{c.Manager}\"",
                ["field"] = Describe(c.Path),
            }).ToArray());
            throw new ApiError(409, "Conflict", $"Apply failed with {conflicts.Count} {noun}: {list}", details);
        }

        var merged = ServerSideApply.Merge(type, live, applied);
        var before = owners.TryGetValue((ctx.Manager, "Apply"), out var mine) ? mine.Paths : [];
        var othersOwn = owners.Where(kv => kv.Key.Manager != ctx.Manager).SelectMany(kv => kv.Value.Paths).ToHashSet(StringComparer.Ordinal);
        foreach (var p in before.Where(p => !appliedPaths.Contains(p) && !othersOwn.Contains(p)).OrderByDescending(p => p.Length))
        {
            Remove(merged, p);
        }

        return merged;
    }

    internal static string Now(TimeProvider time) => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
