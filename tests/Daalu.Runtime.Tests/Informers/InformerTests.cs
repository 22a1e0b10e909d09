using System.Collections.Concurrent;
using Daalu.Api.V1Alpha1;
using Daalu.Runtime.Informers;
using k8s;
using k8s.Models;

namespace Daalu.Runtime.Tests.Informers;

public sealed class InformerTests : IAsyncDisposable
{
    private readonly KubeApiServer.KubeApiServer _server = TestApi.Start();
    private readonly k8s.Kubernetes _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];

    public InformerTests() => _client = _server.CreateClient();

    private static InformerOptions Options(int pageSize = 500) => new()
    {
        PageSize = pageSize,
        StallTimeout = TimeSpan.FromSeconds(2),
        WatchTimeout = null,
        RetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(500),
    };

    private async Task<Informer<V1ConfigMap>> StartConfigMapsAsync(InformerOptions? options = null, Action<ResourceEvent<V1ConfigMap>>? handler = null)
    {
        var informer = new Informer<V1ConfigMap>(ListWatches.ConfigMaps(_client, "default"), options ?? Options());
        if (handler is not null)
        {
            informer.Subscribe(handler);
        }

        _running.Add(informer.RunAsync(_stop.Token));
        await informer.ReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        return informer;
    }

    [Fact]
    public async Task RunAsync_PagedListThenWatch_CacheFollowsCreateUpdateDelete()
    {
        for (var i = 0; i < 7; i++)
        {
            await TestApi.CreateConfigMapAsync(_client, $"cm-{i}", new Dictionary<string, string> { ["app"] = i % 2 == 0 ? "even" : "odd" });
        }

        var informer = await StartConfigMapsAsync(Options(pageSize: 3));

        Assert.Equal(7, informer.Cache.Count);
        Assert.True(_server.Requests.Count(r => r.Verb == "list" && r.Resource == "configmaps" && r.Query.Contains("limit=3", StringComparison.Ordinal)) >= 3);
        Assert.Equal(4, informer.Cache.List("default", new Dictionary<string, string> { ["app"] = "even" }).Count);
        Assert.Empty(informer.Cache.List("other"));

        await TestApi.CreateConfigMapAsync(_client, "late");
        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"changed"}}""", V1Patch.PatchType.MergePatch), "cm-1", "default");
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("cm-2", "default");

        Assert.True(await TestApi.EventuallyAsync(() =>
            informer.Cache.Get(new ObjectKey("default", "late")) is not null
            && informer.Cache.Get(new ObjectKey("default", "cm-1"))?.Data["k"] == "changed"
            && informer.Cache.Get(new ObjectKey("default", "cm-2")) is null));
    }

    [Fact]
    public async Task Cache_Get_ReturnsCopiesSoCallersCannotCorruptIt()
    {
        await TestApi.CreateConfigMapAsync(_client, "a");
        var informer = await StartConfigMapsAsync();

        informer.Cache.Get(new ObjectKey("default", "a"))!.Data["k"] = "mutated";

        Assert.Equal("v", informer.Cache.Get(new ObjectKey("default", "a"))!.Data["k"]);
    }

    [Fact]
    public async Task Cache_ListedAndWatchedObjects_HoldNoManagedFields()
    {
        await TestApi.CreateConfigMapAsync(_client, "listed");
        Assert.NotEmpty((await _client.CoreV1.ReadNamespacedConfigMapAsync("listed", "default")).Metadata.ManagedFields);
        var informer = await StartConfigMapsAsync();

        await TestApi.CreateConfigMapAsync(_client, "watched");

        Assert.True(await TestApi.EventuallyAsync(() => informer.Cache.Get(new ObjectKey("default", "watched")) is not null));
        Assert.Null(informer.Cache.GetShared(new ObjectKey("default", "listed"))!.Metadata.ManagedFields);
        Assert.Null(informer.Cache.GetShared(new ObjectKey("default", "watched"))!.Metadata.ManagedFields);
        Assert.Equal("v", informer.Cache.GetShared(new ObjectKey("default", "watched"))!.Data["k"]);
    }

    [Fact]
    public async Task Cache_WithTransform_ListedAndWatchedObjectsTrimmedBeforeCachingAndHandlers()
    {
        await TestApi.CreateConfigMapAsync(_client, "listed");
        var seen = new ConcurrentBag<string>();
        var informer = new Informer<V1ConfigMap>(ListWatches.ConfigMaps(_client, "default"), Options(), transform: cm => cm.Data = null);
        informer.Subscribe(e => seen.Add($"{e.Resource.Metadata.Name}:{e.Resource.Data is null}"));
        _running.Add(informer.RunAsync(_stop.Token));
        await informer.ReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        await TestApi.CreateConfigMapAsync(_client, "watched");

        Assert.True(await TestApi.EventuallyAsync(() => informer.Cache.Get(new ObjectKey("default", "watched")) is not null));
        Assert.Null(informer.Cache.GetShared(new ObjectKey("default", "listed"))!.Data);
        Assert.Null(informer.Cache.GetShared(new ObjectKey("default", "watched"))!.Data);
        Assert.Contains("listed:True", seen);
        Assert.Contains("watched:True", seen);
    }

    [Fact]
    public async Task Cache_KeepManagedFields_ObjectsKeepThem()
    {
        await TestApi.CreateConfigMapAsync(_client, "listed");
        var options = Options();
        options.KeepManagedFields = true;

        var informer = await StartConfigMapsAsync(options);

        Assert.NotEmpty(informer.Cache.GetShared(new ObjectKey("default", "listed"))!.Metadata.ManagedFields);
    }

    [Fact]
    public async Task RunAsync_IdleWatchWithBookmarks_NoWatchdogRestart()
    {
        var informer = await StartConfigMapsAsync();

        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(0, informer.StalledRestarts);
        Assert.True(informer.HasSynced);
    }

    [Fact]
    public async Task RunAsync_WatchDropped_RewatchesWithoutRelistAndSeesNewObjects()
    {
        var informer = await StartConfigMapsAsync();
        Assert.True(await TestApi.EventuallyAsync(() => _server.OpenWatchCount("configmaps") == 1));

        _server.DropWatches("configmaps");
        await TestApi.CreateConfigMapAsync(_client, "after-drop");

        Assert.True(await TestApi.EventuallyAsync(() => informer.Cache.Get(new ObjectKey("default", "after-drop")) is not null));
        Assert.True(informer.WatchRestarts >= 1);
        Assert.Equal(0, informer.Relists);
    }

    [Fact]
    public async Task RunAsync_ResourceVersionExpired_RelistsAndSeesObjectCreatedWhileDown()
    {
        var informer = await StartConfigMapsAsync();
        Assert.True(await TestApi.EventuallyAsync(() => _server.OpenWatchCount("configmaps") == 1));

        // The open stream goes silent, an object is created, the history is compacted, then the stream ends:
        // the informer's resourceVersion is now too old and the server answers 410 Expired.
        _server.StallWatches("configmaps");
        await TestApi.CreateConfigMapAsync(_client, "while-down");
        _server.CompactHistory();
        _server.DropWatches("configmaps");

        Assert.True(await TestApi.EventuallyAsync(() => informer.Cache.Get(new ObjectKey("default", "while-down")) is not null));
        Assert.True(informer.Relists >= 1);
    }

    [Fact]
    public async Task RunAsync_DeletedWhileDisconnected_DeleteSynthesizedOnRelist()
    {
        await TestApi.CreateConfigMapAsync(_client, "doomed");
        await TestApi.CreateConfigMapAsync(_client, "survivor");
        var events = new ConcurrentQueue<ResourceEvent<V1ConfigMap>>();
        var informer = await StartConfigMapsAsync(handler: events.Enqueue);
        Assert.True(await TestApi.EventuallyAsync(() => _server.OpenWatchCount("configmaps") == 1));

        _server.StallWatches("configmaps");
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("doomed", "default");
        _server.CompactHistory();
        _server.DropWatches("configmaps");

        Assert.True(await TestApi.EventuallyAsync(() => informer.Cache.Get(new ObjectKey("default", "doomed")) is null));
        var deleted = Assert.Single(events, e => e.Type == ResourceEventType.Deleted);
        Assert.Equal("doomed", deleted.Resource.Metadata.Name);
        Assert.True(deleted.Synthesized);
        Assert.NotNull(informer.Cache.Get(new ObjectKey("default", "survivor")));
    }

    [Fact]
    public async Task RunAsync_WatchStalls_WatchdogReopensAndCatchesUp()
    {
        var informer = await StartConfigMapsAsync();
        Assert.True(await TestApi.EventuallyAsync(() => _server.OpenWatchCount("configmaps") == 1));

        _server.StallWatches("configmaps");
        await TestApi.CreateConfigMapAsync(_client, "during-stall");

        Assert.True(await TestApi.EventuallyAsync(() => informer.Cache.Get(new ObjectKey("default", "during-stall")) is not null, TimeSpan.FromSeconds(15)));
        Assert.True(informer.StalledRestarts >= 1);
    }

    [Fact]
    public async Task RunAsync_NewWatchesStallToo_WatchdogKeepsRetryingAndRecoversWhenServerDoes()
    {
        var informer = await StartConfigMapsAsync();
        Assert.True(await TestApi.EventuallyAsync(() => _server.OpenWatchCount("configmaps") == 1));

        _server.StallWatches("configmaps", includeNewWatches: true);
        Assert.True(await TestApi.EventuallyAsync(() => informer.StalledRestarts >= 2, TimeSpan.FromSeconds(15)));

        _server.ResumeNewWatches();
        await TestApi.CreateConfigMapAsync(_client, "after-resume");

        Assert.True(await TestApi.EventuallyAsync(() => informer.Cache.Get(new ObjectKey("default", "after-resume")) is not null, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task RunAsync_CustomResourceKind_ListsAndWatchesThroughCustomObjects()
    {
        await TestApi.CreateGpuNodeAsync(_client, "gpu-a", "node-a");
        var informer = new Informer<GpuNode>(ListWatches.CustomResource<GpuNode>(_client), Options());
        _running.Add(informer.RunAsync(_stop.Token));
        await informer.ReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        await TestApi.CreateGpuNodeAsync(_client, "gpu-b", "node-b");

        Assert.Equal("node-a", informer.Cache.Get(new ObjectKey(null, "gpu-a"))?.Spec.NodeName);
        Assert.True(await TestApi.EventuallyAsync(() => informer.Cache.Get(new ObjectKey(null, "gpu-b"))?.Spec.NodeName == "node-b"));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
        _client.Dispose();
        await _server.DisposeAsync();
    }
}
