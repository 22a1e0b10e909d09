using Daalu.Runtime.Informers;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Runtime.Tests.Informers;

// The store's read-your-writes overlay: an object the operator wrote is served until the informer catches up with it.
public sealed class ReadYourWritesCacheTests
{
    private static readonly ObjectKey Key = new("a", "one");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static V1ConfigMap Map(string name, string resourceVersion, string value, string ns = "a") => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, ResourceVersion = resourceVersion },
        Data = new Dictionary<string, string> { ["k"] = value },
    };

    private ResourceCache<V1ConfigMap> Cache(int limit = 1024)
    {
        var cache = new ResourceCache<V1ConfigMap>(_time, TimeSpan.FromSeconds(30), limit);
        cache.Replace(new Dictionary<ObjectKey, V1ConfigMap> { [Key] = Map("one", "10", "old") }, "10");
        return cache;
    }

    private static string? ValueOf(V1ConfigMap? map) => map?.Data["k"];

    [Fact]
    public void RecordWrite_InformerBehind_EveryReadServesTheWrittenObject()
    {
        var cache = Cache();

        cache.RecordWrite(Map("one", "12", "mine"));

        Assert.Equal("mine", ValueOf(cache.Get(Key)));
        Assert.Equal("mine", ValueOf(cache.GetShared(Key)));
        Assert.Equal("mine", ValueOf(Assert.Single(cache.List("a"))));
        Assert.Equal("mine", ValueOf(Assert.Single(cache.ListShared(_ => true))));
        Assert.Equal([Key], cache.Keys(m => m.Data["k"] == "mine"));
        Assert.Equal("old", ValueOf(cache.Peek(Key)));
    }

    [Fact]
    public void RecordWrite_CreatedObjectNotYetWatched_IsListedAndCounted()
    {
        var cache = Cache();
        var created = new ObjectKey("a", "two");

        cache.RecordWrite(Map("two", "11", "new"));

        Assert.Equal("new", ValueOf(cache.Get(created)));
        Assert.Equal(2, cache.Count);
        Assert.Equal([Key, created], cache.Keys().OrderBy(k => k.Name, StringComparer.Ordinal));
    }

    [Fact]
    public void Upsert_WrittenVersionDelivered_DropsTheEntryAndServesTheCache()
    {
        var cache = Cache();
        cache.RecordWrite(Map("one", "12", "mine"));

        cache.Upsert(Key, Map("one", "12", "delivered"));

        Assert.Equal("delivered", ValueOf(cache.Get(Key)));
        Assert.Equal(0, cache.WrittenCount);
    }

    [Fact]
    public void Upsert_OlderVersionDelivered_KeepsServingTheWrittenObject()
    {
        var cache = Cache();
        cache.RecordWrite(Map("one", "14", "mine"));

        cache.Upsert(Key, Map("one", "12", "someone else's earlier change"));

        Assert.Equal("mine", ValueOf(cache.Get(Key)));
        Assert.Equal(1, cache.WrittenCount);
    }

    [Fact]
    public void Upsert_LaterVersionDelivered_ServesTheLaterOne()
    {
        var cache = Cache();
        cache.RecordWrite(Map("one", "12", "mine"));

        cache.Upsert(Key, Map("one", "15", "changed after mine"));

        Assert.Equal("changed after mine", ValueOf(cache.Get(Key)));
        Assert.Equal(0, cache.WrittenCount);
    }

    [Fact]
    public void RecordWrite_InformerAlreadyPastIt_IsNotHeld()
    {
        var cache = Cache();
        cache.Upsert(Key, Map("one", "12", "delivered first"));

        cache.RecordWrite(Map("one", "12", "mine"));
        cache.RecordWrite(Map("two", "11", "deleted since"));

        Assert.Equal("delivered first", ValueOf(cache.Get(Key)));
        Assert.Null(cache.Get(new ObjectKey("a", "two")));
        Assert.Equal(0, cache.WrittenCount);
    }

    [Fact]
    public void Saw_BookmarkPastTheWrittenVersion_DropsACreatedObjectTheWatchNeverDelivered()
    {
        var cache = Cache();
        cache.RecordWrite(Map("two", "11", "new"));

        cache.Saw("13");

        Assert.Null(cache.Get(new ObjectKey("a", "two")));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Replace_Relist_DropsEveryEntry()
    {
        var cache = Cache();
        cache.RecordWrite(Map("one", "12", "mine"));
        cache.RecordWrite(Map("two", "13", "new"));

        cache.Replace(new Dictionary<ObjectKey, V1ConfigMap> { [Key] = Map("one", "10", "listed") }, "11");

        Assert.Equal(0, cache.WrittenCount);
        Assert.Equal("listed", ValueOf(cache.Get(Key)));
        Assert.Null(cache.Get(new ObjectKey("a", "two")));
    }

    [Fact]
    public void Remove_DeleteEventForTheKey_DropsTheEntry()
    {
        var cache = Cache();
        cache.RecordWrite(Map("one", "12", "mine"));

        cache.Remove(Key);

        Assert.Null(cache.Get(Key));
        Assert.Equal(0, cache.WrittenCount);
    }

    [Fact]
    public void Forget_OperatorDeletedIt_TheWrittenObjectIsNotServed()
    {
        var cache = Cache();
        cache.RecordWrite(Map("two", "12", "new"));

        cache.Forget(new ObjectKey("a", "two"));

        Assert.Null(cache.Get(new ObjectKey("a", "two")));
    }

    [Fact]
    public void Get_TimeToLivePassed_ServesTheCacheAgain()
    {
        var cache = Cache();
        cache.RecordWrite(Map("one", "12", "mine"));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("mine", ValueOf(cache.Get(Key)));

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("old", ValueOf(cache.Get(Key)));
        Assert.Equal(0, cache.WrittenCount);
    }

    [Theory]
    [InlineData("12", "abc")]
    [InlineData("abc", "10")]
    [InlineData("", "10")]
    public void Get_ResourceVersionNotAnInteger_FallsBackToTheCache(string written, string cached)
    {
        var cache = new ResourceCache<V1ConfigMap>(_time, TimeSpan.FromSeconds(30));
        cache.Replace(new Dictionary<ObjectKey, V1ConfigMap> { [Key] = Map("one", cached, "cached") }, "not-a-number");

        cache.RecordWrite(Map("one", written, "mine"));

        Assert.Equal("cached", ValueOf(cache.Get(Key)));
        Assert.Equal(0, cache.WrittenCount);
    }

    [Fact]
    public void RecordWrite_NonIntegerVersionDeliveredLater_DropsTheEntry()
    {
        var cache = Cache();
        cache.RecordWrite(Map("one", "12", "mine"));

        cache.Upsert(Key, Map("one", "opaque", "delivered"));

        Assert.Equal("delivered", ValueOf(cache.Get(Key)));
        Assert.Equal(0, cache.WrittenCount);
    }

    [Fact]
    public void RecordWrite_OlderWriteAfterANewerOne_KeepsTheNewer()
    {
        var cache = Cache();

        cache.RecordWrite(Map("one", "14", "second"));
        cache.RecordWrite(Map("one", "12", "first, answered late"));

        Assert.Equal("second", ValueOf(cache.Get(Key)));
    }

    [Fact]
    public void RecordWrite_LimitReached_TheOldestGivesWay()
    {
        var cache = Cache(limit: 2);
        cache.RecordWrite(Map("w1", "11", "1"));
        _time.Advance(TimeSpan.FromSeconds(1));
        cache.RecordWrite(Map("w2", "12", "2"));
        _time.Advance(TimeSpan.FromSeconds(1));

        cache.RecordWrite(Map("w3", "13", "3"));

        Assert.Equal(2, cache.WrittenCount);
        Assert.Null(cache.Get(new ObjectKey("a", "w1")));
        Assert.NotNull(cache.Get(new ObjectKey("a", "w2")));
        Assert.NotNull(cache.Get(new ObjectKey("a", "w3")));
    }

    [Fact]
    public void RecordWrite_TimeToLiveZero_Off()
    {
        var cache = new ResourceCache<V1ConfigMap>(_time, TimeSpan.Zero);

        cache.RecordWrite(Map("one", "12", "mine"));

        Assert.Null(cache.Get(Key));
        Assert.Equal(0, cache.WrittenCount);
    }

    [Fact]
    public void Get_WrittenObjectServed_IsACopyTheCallerMayChange()
    {
        var cache = Cache();
        cache.RecordWrite(Map("one", "12", "mine"));

        cache.Get(Key)!.Data["k"] = "edited by a reconciler";

        Assert.Equal("mine", ValueOf(cache.Get(Key)));
    }
}
