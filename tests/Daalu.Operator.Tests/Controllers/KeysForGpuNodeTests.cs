using Daalu.Api.V1Alpha1;
using Daalu.Operator.Controllers;
using Daalu.Runtime;
using Daalu.Runtime.Informers;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Controllers;

// The GpuNode-to-ModelServing and Node-to-GpuNode event mappers as pure functions over a cache.
public sealed class KeysForGpuNodeTests
{
    private static GpuNode Node(string name, string nodeName, string? gpuClass) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new GpuNodeSpec { NodeName = nodeName },
        Status = new GpuNodeStatus { GpuClass = gpuClass },
    };

    private static ModelServing Serving(string name, string? gpuNode = null, string? gpuClass = null, string? placedOn = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ml" },
        Spec = new ModelServingSpec { GpuNode = gpuNode, GpuClass = gpuClass },
        Status = placedOn is null ? null : new ModelServingStatus { NodeName = placedOn },
    };

    [Fact]
    public void KeysForGpuNode_MixedServings_ReturnsThoseNamingItOrItsClassOrPlacedOnItsNode()
    {
        var cache = new DictionaryCache<ModelServing>(
            Serving("named", gpuNode: "gpu-a"),
            Serving("other-node", gpuNode: "gpu-b"),
            Serving("same-class", gpuClass: "rtx-6000-ada"),
            Serving("other-class", gpuClass: "rtx-2000-ada"),
            Serving("placed-here", gpuClass: "rtx-2000-ada", placedOn: "node-a"),
            Serving("placed-here-no-class", placedOn: "node-a"));

        var keys = ModelServingReconciler.KeysForGpuNode(cache, Node("gpu-a", "node-a", "rtx-6000-ada"));

        Assert.Equal(new[] { "named", "placed-here", "same-class" }, keys.Select(k => k.Name).Order());
        Assert.All(keys, k => Assert.Equal("ml", k.Namespace));
        Assert.Equal(0, cache.Copies);
    }

    [Fact]
    public void KeysForNode_GpuNodesOfThatNode_ReturnsTheirKeysOnly()
    {
        var cache = new DictionaryCache<GpuNode>(Node("gpu-a", "node-a", null), Node("gpu-b", "node-b", null), Node("gpu-c", "node-a", null));

        Assert.Equal(new[] { "gpu-a", "gpu-c" }, GpuNodeReconciler.KeysForNode(cache, "node-a").Select(k => k.Name).Order());
        Assert.Empty(GpuNodeReconciler.KeysForNode(cache, null));
        Assert.Equal(0, cache.Copies);
    }

    /// <summary>
    /// Stands for the runtime's informer cache (Daalu.Runtime ResourceCache): Get and List return JSON deep copies,
    /// Keys(predicate) reads the held objects in place. Counts copies so a test can see a mapper took none.
    /// </summary>
    private sealed class DictionaryCache<T>(params T[] items) : IResourceCache<T>
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        private readonly Dictionary<ObjectKey, T> _items = items.ToDictionary(i => ObjectKey.Of(i));

        public int Copies { get; private set; }

        public int Count => _items.Count;

        public T? Get(ObjectKey key) => _items.TryGetValue(key, out var item) ? Copy(item) : null;

        public IReadOnlyList<T> List(string? @namespace = null, IReadOnlyDictionary<string, string>? labels = null) =>
            [.. _items.Where(p => @namespace is null || p.Key.Namespace == @namespace)
                .Where(p => labels is null || labels.All(l => p.Value.Metadata.Labels?.TryGetValue(l.Key, out var v) == true && v == l.Value))
                .Select(p => Copy(p.Value))];

        public IReadOnlyList<ObjectKey> Keys() => [.. _items.Keys];

        public IReadOnlyList<ObjectKey> Keys(Func<T, bool> predicate) => [.. _items.Where(p => predicate(p.Value)).Select(p => p.Key)];

        private T Copy(T item)
        {
            Copies++;
            return KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(item));
        }
    }
}
