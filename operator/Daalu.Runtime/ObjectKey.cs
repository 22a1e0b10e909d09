using k8s;
using k8s.Models;

namespace Daalu.Runtime;

/// <summary>What the work queue holds: a namespace (null for cluster-scoped kinds) and a name.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    /// <summary>The key of <paramref name="obj"/>; an empty namespace means cluster-scoped.</summary>
    public static ObjectKey Of(IMetadata<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var meta = obj.Metadata ?? throw new ArgumentException("object has no metadata", nameof(obj));
        if (string.IsNullOrEmpty(meta.Name))
        {
            throw new ArgumentException("object has no metadata.name", nameof(obj));
        }

        return new ObjectKey(string.IsNullOrEmpty(meta.NamespaceProperty) ? null : meta.NamespaceProperty, meta.Name);
    }

    /// <inheritdoc />
    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
