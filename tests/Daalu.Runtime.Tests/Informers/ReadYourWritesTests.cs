using Daalu.Runtime.Informers;
using k8s;
using k8s.Models;

namespace Daalu.Runtime.Tests.Informers;

// The client handler that hands each write's result to the informers, against the API test server with the informer's
// watch held back (as when the watch lags behind the operator's own writes).
public sealed class ReadYourWritesTests : IAsyncDisposable
{
    private const string Selector = "app.kubernetes.io/managed-by=daalu";
    private static readonly Dictionary<string, string> Managed = new() { ["app.kubernetes.io/managed-by"] = "daalu" };

    private readonly KubeApiServer.KubeApiServer _server = TestApi.Start(TimeSpan.FromMinutes(5));
    private readonly ReadYourWrites _readYourWrites = new();
    private readonly Kubernetes _client;
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public ReadYourWritesTests() => _client = new Kubernetes(_server.CreateClientConfiguration("operator"), _readYourWrites.CreateHandler());

    private async Task<Informer<V1ConfigMap>> StartAsync(string? @namespace = "default", string? selector = Selector)
    {
        var informer = new Informer<V1ConfigMap>(ListWatches.ConfigMaps(_client, @namespace, selector), new InformerOptions { StallTimeout = TimeSpan.FromMinutes(1) });
        _readYourWrites.Register(informer);
        _running = informer.RunAsync(_stop.Token);
        await informer.ReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await TestApi.EventuallyAsync(() => _server.OpenWatchCount("configmaps") == 1);
        return informer;
    }

    private Task<V1ConfigMap> CreateAsync(string name, string ns = "default", Dictionary<string, string>? labels = null) =>
        _client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? Managed }, Data = new Dictionary<string, string> { ["k"] = "created" } }, ns);

    [Fact]
    public async Task Create_WatchLagging_CacheServesTheCreatedObjectAtOnce()
    {
        var informer = await StartAsync();
        _server.HoldWatches("configmaps");

        var created = await CreateAsync("cm");

        var cached = informer.Cache.Get(new ObjectKey("default", "cm"));
        Assert.NotNull(cached);
        Assert.Equal(created.Metadata.ResourceVersion, cached.Metadata.ResourceVersion);
        Assert.Single(informer.Cache.List());
    }

    [Fact]
    public async Task PatchAndStatusLikeWrites_WatchLagging_CacheServesTheLatestResult()
    {
        var informer = await StartAsync();
        await CreateAsync("cm");
        Assert.True(await TestApi.EventuallyAsync(() => informer.Cache.GetShared(new ObjectKey("default", "cm")) is not null));
        _server.HoldWatches("configmaps");

        var patched = await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"patched"}}""", V1Patch.PatchType.MergePatch), "cm", "default");

        var cached = informer.Cache.GetShared(new ObjectKey("default", "cm"))!;
        Assert.Equal("patched", cached.Data["k"]);
        Assert.Equal(patched.Metadata.ResourceVersion, cached.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Release_WatchDeliversTheWrite_EntryDropped()
    {
        var informer = await StartAsync();
        _server.HoldWatches("configmaps");
        await CreateAsync("cm");
        Assert.Equal(1, ((ResourceCache<V1ConfigMap>)informer.Cache).WrittenCount);

        _server.ReleaseWatches();

        Assert.True(await TestApi.EventuallyAsync(() => ((ResourceCache<V1ConfigMap>)informer.Cache).WrittenCount == 0));
        Assert.NotNull(informer.Cache.Get(new ObjectKey("default", "cm")));
    }

    [Fact]
    public async Task Create_OutsideTheInformersNamespaceOrSelector_NotServed()
    {
        var informer = await StartAsync();
        await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } });
        _server.HoldWatches("configmaps");

        await CreateAsync("elsewhere", ns: "other");
        await CreateAsync("unlabelled", labels: new Dictionary<string, string> { ["app"] = "x" });

        Assert.Equal(0, informer.Cache.Count);
    }

    [Fact]
    public async Task Delete_ByTheOperator_ItsWrittenObjectIsNotServed()
    {
        var informer = await StartAsync();
        _server.HoldWatches("configmaps");
        await CreateAsync("cm");

        await _client.CoreV1.DeleteNamespacedConfigMapAsync("cm", "default");

        Assert.Null(informer.Cache.Get(new ObjectKey("default", "cm")));
    }

    [Fact]
    public async Task FailedWrite_Conflict_NothingServed()
    {
        var informer = await StartAsync();
        await TestApi.CreateConfigMapAsync(_server.CreateClient("someone"), "taken");
        _server.HoldWatches("configmaps");

        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => CreateAsync("taken"));

        Assert.Equal(0, ((ResourceCache<V1ConfigMap>)informer.Cache).WrittenCount);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/ns/services", "", "services", "ns", null, null)]
    [InlineData("/api/v1/nodes/node-a", "", "nodes", null, "node-a", null)]
    [InlineData("/apis/apps/v1/namespaces/ns/deployments/ms-x", "apps", "deployments", "ns", "ms-x", null)]
    [InlineData("/apis/ai.daalu.io/v1alpha1/namespaces/ns/modelservings/m/status", "ai.daalu.io", "modelservings", "ns", "m", "status")]
    [InlineData("/apis/ai.daalu.io/v1alpha1/gpunodes/g/status", "ai.daalu.io", "gpunodes", null, "g", "status")]
    [InlineData("/api/v1/namespaces", "", "namespaces", null, null, null)]
    [InlineData("/api/v1/namespaces/ns", "", "namespaces", null, "ns", null)]
    public void ApiPath_WriteUrls_Parsed(string path, string group, string plural, string? ns, string? name, string? subresource)
    {
        Assert.True(ApiPath.TryParse(path, out var parsed));
        Assert.Equal(new ApiPath(group, plural, ns, name, subresource), parsed);
    }

    [Theory]
    [InlineData("/version")]
    [InlineData("/apis/apps/v1")]
    [InlineData("/api/v1/namespaces/ns/pods/p/log/extra")]
    public void ApiPath_NotAResource_Rejected(string path) => Assert.False(ApiPath.TryParse(path, out _));

    public async ValueTask DisposeAsync()
    {
        _server.ReleaseWatches();
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }

        _stop.Dispose();
        _client.Dispose();
        await _server.DisposeAsync();
    }
}
