using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>
/// An immutable stored version of an object. <see cref="Node"/> is never mutated after storing and is read only
/// under the store lock; <see cref="Json"/> is the pre-serialized form handed to HTTP responses and watches.
/// </summary>
internal sealed class StoredObject
{
    public StoredObject(ResourceType type, JsonObject node)
    {
        Type = type;
        Node = node;
        var meta = node["metadata"] as JsonObject;
        Name = meta?["name"]?.GetValue<string>() ?? string.Empty;
        Namespace = meta?["namespace"]?.GetValue<string>() ?? string.Empty;
        Uid = meta?["uid"]?.GetValue<string>() ?? string.Empty;
        Rv = long.TryParse(meta?["resourceVersion"]?.GetValue<string>(), out var rv) ? rv : 0;
        Labels = LabelSelector.LabelsOf(node);
        Deleting = meta?["deletionTimestamp"] is not null;
        OwnerUids = meta?["ownerReferences"] is JsonArray refs
            ? refs.Select(r => r?["uid"]?.GetValue<string>() ?? string.Empty).ToArray()
            : [];
        Json = JsonText.Write(node);
    }

    public ResourceType Type { get; }

    public JsonObject Node { get; }

    public string Name { get; }

    public string Namespace { get; }

    public string Uid { get; }

    public long Rv { get; }

    public Dictionary<string, string> Labels { get; }

    public string Json { get; }

    /// <summary>Whether metadata.deletionTimestamp is set (the object is waiting for its finalizers).</summary>
    public bool Deleting { get; }

    /// <summary>The uids of metadata.ownerReferences in order ("" for a reference without one).</summary>
    public IReadOnlyList<string> OwnerUids { get; }

    public string Key => Namespace + "/" + Name;

    public JsonObject CloneNode() => (JsonObject)Node.DeepClone();
}
