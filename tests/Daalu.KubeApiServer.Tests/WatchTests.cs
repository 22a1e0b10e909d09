using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

public sealed class WatchTests : TestCluster
{
    private WatchCollector<V1ConfigMap> WatchConfigMaps(string? rv, string? labelSelector = null, string? fieldSelector = null, int? timeoutSeconds = null) =>
        new((onError, ct) => Client.CoreV1.WatchListNamespacedConfigMapAsync(
            "default", allowWatchBookmarks: true, resourceVersion: rv, labelSelector: labelSelector, fieldSelector: fieldSelector, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: ct));

    private Task<V1ConfigMap> CreateCm(string name, Dictionary<string, string>? labels = null) =>
        Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, "default");

    [Fact]
    public async Task Watch_FromListResourceVersion_ReplaysLaterEventsInOrder()
    {
        await CreateCm("a");
        var listRv = (await Client.CoreV1.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
        await CreateCm("b");
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"v"}}""", V1Patch.PatchType.MergePatch), "a", "default");
        var deleted = await Client.CoreV1.DeleteNamespacedConfigMapAsync("b", "default");

        await using var watch = WatchConfigMaps(listRv);

        var e1 = await watch.NextChange();
        var e2 = await watch.NextChange();
        var e3 = await watch.NextChange();
        Assert.Equal((WatchEventType.Added, "b"), (e1.Type, e1.Object.Metadata.Name));
        Assert.Equal((WatchEventType.Modified, "a", "v"), (e2.Type, e2.Object.Metadata.Name, e2.Object.Data["k"]));
        Assert.Equal((WatchEventType.Deleted, "b"), (e3.Type, e3.Object.Metadata.Name));
        Assert.True(long.Parse(e3.Object.Metadata.ResourceVersion) > long.Parse(e2.Object.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Watch_WithoutResourceVersion_SendsCurrentStateThenLiveEvents()
    {
        await CreateCm("existing");
        await using var watch = WatchConfigMaps(null);

        var initial = await watch.NextChange();
        Assert.Equal((WatchEventType.Added, "existing"), (initial.Type, initial.Object.Metadata.Name));
        await CreateCm("live");
        var live = await watch.NextChange();
        Assert.Equal((WatchEventType.Added, "live"), (live.Type, live.Object.Metadata.Name));
    }

    // The list-with-watch=true + WatchAsync<T, L> path is obsolete in KubernetesClient 21 but still what many informers use.
#pragma warning disable CS0618
    [Fact]
    public async Task Watch_AllowBookmarks_ReceivesBookmarkWithCurrentResourceVersion()
    {
        await CreateWidget(Widget("w", 1));
        var rv = Server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var watch = new WatchCollector<JsonElement>((onError, ct) =>
            Client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(Group, Version, "default", "widgets", watch: true, allowWatchBookmarks: true, resourceVersion: rv, cancellationToken: ct)
                .WatchAsync<JsonElement, object>(onError, ct));
        await Task.Delay(100);

        Server.SendBookmarks();

        var e = await watch.Next();
        Assert.Equal(WatchEventType.Bookmark, e.Type);
        Assert.Equal(rv, e.Object.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal("Widget", e.Object.GetProperty("kind").GetString());
    }
#pragma warning restore CS0618

    [Fact]
    public async Task Watch_CustomObjects_DeliversModificationsFromResourceVersion()
    {
        var created = await CreateWidget(Widget("w", 1));
        await using var watch = new WatchCollector<object>((onError, ct) =>
            Client.CustomObjects.WatchListNamespacedCustomObjectAsync(Group, Version, "default", "widgets", allowWatchBookmarks: true, resourceVersion: Rv(created), onError: onError, cancellationToken: ct));

        await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch("""{"status":{"phase":"Ready"}}""", V1Patch.PatchType.MergePatch), Group, Version, "default", "widgets", "w");

        var e = await watch.NextChange();
        Assert.Equal(WatchEventType.Modified, e.Type);
        Assert.Equal("Ready", AsNode(e.Object)["status"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_CompactedResourceVersion_Gets410ExpiredErrorEvent()
    {
        var old = await CreateCm("a");
        await CreateCm("b");
        Server.CompactHistory();

        await using var watch = WatchConfigMaps(old.Metadata.ResourceVersion);
        await watch.Completion.WaitAsync(TimeSpan.FromSeconds(5));

        var kex = Assert.IsType<KubernetesException>(Assert.Single(watch.Reported));
        Assert.Equal(410, kex.Status.Code);
        Assert.Equal("Expired", kex.Status.Reason);
        Assert.StartsWith("too old resource version: " + old.Metadata.ResourceVersion, kex.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_HistoryWindow_ExpiresVersionsOlderThanTheWindow()
    {
        await using var server = new KubeApiServer(options: new KubeApiServerOptions { HistoryLimit = 3 });
        using var client = server.CreateClient();
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, "default");
        for (var i = 0; i < 4; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "n" + i } }, "default");
        }

        using var http = new HttpClient();
        var expired = await http.GetStringAsync($"{server.BaseUrl}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={first.Metadata.ResourceVersion}");
        var line = JsonNode.Parse(expired.Trim())!;
        Assert.Equal("ERROR", line["type"]!.GetValue<string>());
        Assert.Equal(410, line["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", line["object"]!["reason"]!.GetValue<string>());

        var recentRv = server.CurrentResourceVersion - 1;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await using var stream = await http.GetStreamAsync($"{server.BaseUrl}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={recentRv}", cts.Token);
        using var reader = new StreamReader(stream);
        var replayed = JsonNode.Parse((await reader.ReadLineAsync(cts.Token))!)!;
        Assert.Equal("ADDED", replayed["type"]!.GetValue<string>());
        Assert.Equal("n3", replayed["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_TimeoutSeconds_EndsTheStream()
    {
        var sw = Stopwatch.StartNew();
        await using var watch = WatchConfigMaps(Server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), timeoutSeconds: 1);

        await watch.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        // The stream ends cleanly. When nothing at all was sent before the timeout (no event, and the 1 s bookmark
        // lost the race on a loaded machine), KubernetesClient reports the empty stream as an EndOfStreamException
        // while peeking for the first line; the real API server's empty timed-out watch gives the same.
        Assert.True(watch.Error is null || watch.Error.InnerException is EndOfStreamException, watch.Error?.ToString());
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.9, 8);
    }

    [Fact]
    public async Task DropWatches_EndsOpenStreams()
    {
        await using var watch = WatchConfigMaps(Server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await WaitFor(() => Server.OpenWatchCount("configmaps") == 1);

        Server.DropWatches();

        await watch.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, Server.OpenWatchCount());
    }

    [Fact]
    public async Task StallWatches_KeepsStreamOpenButSendsNothing()
    {
        await using var watch = WatchConfigMaps(Server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await WaitFor(() => Server.OpenWatchCount("configmaps") == 1);

        Server.StallWatches();
        await CreateCm("unseen");
        Server.SendBookmarks();

        Assert.True(await watch.QuietFor(0.7));
        Assert.False(watch.Completion.IsCompleted);
        Assert.Equal(1, Server.OpenWatchCount("configmaps"));

        await using var fresh = WatchConfigMaps(null);
        var e = await fresh.NextChange();
        Assert.Equal("unseen", e.Object.Metadata.Name);
    }

    [Fact]
    public async Task StallWatches_IncludingNew_StallsNewWatchesUntilResumed()
    {
        Server.StallWatches(includeNewWatches: true);
        await using var stalled = WatchConfigMaps(null);
        await CreateCm("x");
        Assert.True(await stalled.QuietFor(0.5));

        Server.ResumeNewWatches();
        await using var fresh = WatchConfigMaps(null);
        Assert.Equal("x", (await fresh.NextChange()).Object.Metadata.Name);
    }

    [Fact]
    public async Task HoldWatches_KeepsEventsBackWhileServingWritesThenDeliversThemInOrder()
    {
        await using var watch = WatchConfigMaps(Server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await WaitFor(() => Server.OpenWatchCount("configmaps") == 1);

        Server.HoldWatches("configmaps");
        await CreateCm("first");
        await CreateCm("second");
        Assert.True(await watch.QuietFor(0.5));
        Assert.Equal("first", (await Client.CoreV1.ReadNamespacedConfigMapAsync("first", "default")).Metadata.Name);

        Server.ReleaseWatches("configmaps");
        Assert.Equal((WatchEventType.Added, "first"), Pick(await watch.NextChange()));
        Assert.Equal((WatchEventType.Added, "second"), Pick(await watch.NextChange()));
    }

    [Fact]
    public async Task HoldWatches_AlsoHoldsWatchesOpenedWhileHeld()
    {
        Server.HoldWatches("configmaps");
        await using var opened = WatchConfigMaps(null);
        await CreateCm("x");
        Assert.True(await opened.QuietFor(0.5));

        Server.ReleaseWatches();
        Assert.Equal("x", (await opened.NextChange()).Object.Metadata.Name);
    }

    [Fact]
    public async Task Watch_LabelSelector_SendsDeletedWhenObjectStopsMatchingAndAddedWhenItStarts()
    {
        await using var watch = WatchConfigMaps(Server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), labelSelector: "tier=gpu");
        await CreateCm("other", new Dictionary<string, string> { ["tier"] = "cpu" });
        await CreateCm("m", new Dictionary<string, string> { ["tier"] = "gpu" });
        Assert.Equal((WatchEventType.Added, "m"), Pick(await watch.NextChange()));

        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"tier":"cpu"}}}""", V1Patch.PatchType.MergePatch), "m", "default");
        Assert.Equal((WatchEventType.Deleted, "m"), Pick(await watch.NextChange()));

        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"tier":"gpu"}}}""", V1Patch.PatchType.MergePatch), "other", "default");
        Assert.Equal((WatchEventType.Added, "other"), Pick(await watch.NextChange()));
    }

    [Fact]
    public async Task Watch_FieldSelectorOnName_OnlyThatObject()
    {
        await using var watch = WatchConfigMaps(Server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), fieldSelector: "metadata.name=wanted");
        await CreateCm("unwanted");
        await CreateCm("wanted");

        Assert.Equal((WatchEventType.Added, "wanted"), Pick(await watch.NextChange()));
        Assert.True(await watch.QuietFor(0.3));
    }

    private static (WatchEventType, string) Pick((WatchEventType Type, V1ConfigMap Object) e) => (e.Type, e.Object.Metadata.Name);

    internal static async Task WaitFor(Func<bool> condition)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(5))
            {
                throw new TimeoutException("condition not met");
            }

            await Task.Delay(20);
        }
    }
}
