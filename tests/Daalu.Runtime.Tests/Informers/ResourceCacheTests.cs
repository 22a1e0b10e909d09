using Daalu.Runtime.Informers;
using k8s.Models;

namespace Daalu.Runtime.Tests.Informers;

public sealed class ResourceCacheTests
{
    private static ResourceCache<V1ConfigMap> CacheOf(params (string Namespace, string Name, string Value)[] items)
    {
        var cache = new ResourceCache<V1ConfigMap>();
        foreach (var (ns, name, value) in items)
        {
            cache.Upsert(new ObjectKey(ns, name), new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
                Data = new Dictionary<string, string> { ["k"] = value },
            });
        }

        return cache;
    }

    [Fact]
    public void KeysWithPredicate_SomeMatch_ReturnsOnlyTheirKeys()
    {
        var cache = CacheOf(("a", "one", "x"), ("a", "two", "y"), ("b", "three", "x"));

        var keys = cache.Keys(c => c.Data["k"] == "x");

        Assert.Equal(new[] { new ObjectKey("a", "one"), new ObjectKey("b", "three") }, keys.OrderBy(k => k.Namespace).ToArray());
    }

    [Fact]
    public void GetShared_Present_ReturnsTheCachedInstanceWhileGetReturnsACopy()
    {
        var cache = CacheOf(("a", "one", "x"));
        var cached = cache.Peek(new ObjectKey("a", "one"));

        Assert.Same(cached, cache.GetShared(new ObjectKey("a", "one")));
        Assert.NotSame(cached, cache.Get(new ObjectKey("a", "one")));
        Assert.Null(cache.GetShared(new ObjectKey("a", "missing")));
    }

    [Fact]
    public void ListShared_SomeMatch_ReturnsThoseCachedInstances()
    {
        var cache = CacheOf(("a", "one", "x"), ("a", "two", "y"), ("b", "three", "x"));

        var items = cache.ListShared(c => c.Data["k"] == "x");

        Assert.Equal(["one", "three"], items.Select(c => c.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.All(items, c => Assert.Same(cache.Peek(ObjectKey.Of(c)), c));
        Assert.Empty(cache.ListShared(_ => false));
    }

    [Fact]
    public void ListShared_ResultIsASnapshot_LaterUpsertsDoNotShowInIt()
    {
        var cache = CacheOf(("a", "one", "x"));
        var items = cache.ListShared(_ => true);

        cache.Upsert(new ObjectKey("a", "two"), new V1ConfigMap { Metadata = new V1ObjectMeta { NamespaceProperty = "a", Name = "two" } });

        Assert.Single(items);
    }

    [Fact]
    public void KeysWithPredicate_NoneMatch_ReturnsEmpty()
    {
        var cache = CacheOf(("a", "one", "x"));

        Assert.Empty(cache.Keys(c => c.Data["k"] == "nope"));
        Assert.Empty(new ResourceCache<V1ConfigMap>().Keys(_ => true));
    }

    [Fact]
    public void KeysWithPredicate_SeesTheCachedInstance_NotACopy()
    {
        var cache = CacheOf(("a", "one", "x"));
        var cached = cache.Peek(new ObjectKey("a", "one"));
        V1ConfigMap? seen = null;

        cache.Keys(c =>
        {
            seen = c;
            return true;
        });

        Assert.Same(cached, seen);
    }

    [Fact]
    public void KeysWithPredicate_ResultIsASnapshot_LaterChangesDoNotShowInIt()
    {
        var cache = CacheOf(("a", "one", "x"));
        var keys = cache.Keys(_ => true);

        cache.Upsert(new ObjectKey("a", "two"), new V1ConfigMap { Metadata = new V1ObjectMeta { NamespaceProperty = "a", Name = "two" } });
        cache.Remove(new ObjectKey("a", "one"));

        Assert.Equal(new[] { new ObjectKey("a", "one") }, keys);
    }

    [Fact]
    public void KeysWithPredicate_NullPredicate_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => CacheOf().Keys(null!));
    }

    [Fact]
    public void GetAndList_StillReturnCopies_AfterKeysWithPredicate()
    {
        var cache = CacheOf(("a", "one", "x"));
        _ = cache.Keys(_ => true);

        cache.Get(new ObjectKey("a", "one"))!.Data["k"] = "mutated";
        cache.List()[0].Data["k"] = "mutated too";

        Assert.Equal("x", cache.Peek(new ObjectKey("a", "one"))!.Data["k"]);
    }
}
