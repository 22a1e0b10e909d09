using System.Collections.Concurrent;
using System.Reflection;
using Daalu.Api.Schema;
using k8s.Models;

namespace Daalu.Runtime;

/// <summary>Group, version, kind and plural of a type, read from its <see cref="KubernetesEntityAttribute"/>.</summary>
/// <param name="Group">API group; empty for the core group.</param>
/// <param name="Version">API version, e.g. v1alpha1.</param>
/// <param name="Kind">Kind.</param>
/// <param name="Plural">Plural resource name used in URLs.</param>
/// <param name="Namespaced">False for cluster-scoped kinds (Node, GpuNode, ...).</param>
public sealed record ResourceInfo(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    private static readonly HashSet<string> ClusterScopedCoreKinds =
        ["Node", "Namespace", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass", "PriorityClass", "RuntimeClass"];

    private static readonly ConcurrentDictionary<Type, ResourceInfo> Cache = new();

    /// <summary><c>group/version</c>, or just the version for the core group.</summary>
    public string ApiVersion => string.IsNullOrEmpty(Group) ? Version : $"{Group}/{Version}";

    /// <summary>Reads the attribute of <typeparamref name="T"/>.</summary>
    public static ResourceInfo Of<T>() => Of(typeof(T));

    /// <summary>Reads the attribute of <paramref name="type"/>.</summary>
    public static ResourceInfo Of(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var attribute = t.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{t.Name} has no [KubernetesEntity] attribute");
        if (string.IsNullOrEmpty(attribute.Kind) || string.IsNullOrEmpty(attribute.ApiVersion) || string.IsNullOrEmpty(attribute.PluralName))
        {
            throw new InvalidOperationException($"{t.Name}'s [KubernetesEntity] needs Kind, ApiVersion and PluralName");
        }

        var scope = t.GetCustomAttribute<CustomResourceAttribute>()?.Scope;
        var namespaced = scope is null ? !ClusterScopedCoreKinds.Contains(attribute.Kind) : scope != ResourceScope.Cluster;
        return new ResourceInfo(attribute.Group ?? string.Empty, attribute.ApiVersion, attribute.Kind, attribute.PluralName, namespaced);
    });
}
