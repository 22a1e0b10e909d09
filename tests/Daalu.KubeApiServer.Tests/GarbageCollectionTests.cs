using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

/// <summary>The incremental ownerReference garbage collector: what it collects and that it never scans the whole store.</summary>
public sealed class GarbageCollectionTests : TestCluster
{
    private static V1OwnerReference RefTo(string kind, string name, string uid, string apiVersion = Group + "/" + Version) =>
        new() { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = uid };

    private static string Uid(JsonObject o) => o["metadata"]!["uid"]!.GetValue<string>();

    private Task<V1ConfigMap> CreateConfigMap(string name, string ns = "default", params V1OwnerReference[] owners) =>
        Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, OwnerReferences = owners.Length == 0 ? null : owners } }, ns);

    [Fact]
    public async Task Delete_OwnerWithTwoLevelsOfDependents_CollectsAllOfThemAndTestsOnlyThem()
    {
        var owner = await CreateWidget(Widget("owner", 1));
        var bystander = await CreateWidget(Widget("bystander", 1));
        for (var i = 0; i < 3; i++)
        {
            var child = await CreateConfigMap($"child-{i}", owners: RefTo("Widget", "owner", Uid(owner)));
            await CreateConfigMap($"grandchild-{i}", owners: RefTo("ConfigMap", child.Metadata.Name, child.Metadata.Uid, "v1"));
        }

        for (var i = 0; i < 20; i++)
        {
            await CreateConfigMap($"kept-{i}", owners: RefTo("Widget", "bystander", Uid(bystander)));
        }

        var before = Server.GarbageCollectorChecks;

        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "owner");

        var names = (await Client.CoreV1.ListNamespacedConfigMapAsync("default")).Items.Select(c => c.Metadata.Name).ToList();
        Assert.DoesNotContain(names, n => n.StartsWith("child-", StringComparison.Ordinal) || n.StartsWith("grandchild-", StringComparison.Ordinal));
        Assert.Equal(20, names.Count(n => n.StartsWith("kept-", StringComparison.Ordinal)));

        // The 3 children when the owner went and each grandchild when its child went; the 20 others are not looked at.
        Assert.Equal(6, Server.GarbageCollectorChecks - before);
    }

    [Fact]
    public async Task Create_WithOwnerUidThatDoesNotExist_IsCollected()
    {
        var from = Server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var watch = new WatchCollector<V1ConfigMap>((onError, ct) =>
            Client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: from, onError: onError, cancellationToken: ct));

        var created = await CreateConfigMap("dangling", owners: RefTo("Widget", "ghost", Guid.NewGuid().ToString()));

        Assert.Equal("dangling", created.Metadata.Name);
        await ExpectStatus(404, () => Client.CoreV1.ReadNamespacedConfigMapAsync("dangling", "default"));
        Assert.Equal(WatchEventType.Added, (await watch.NextChange()).Type);
        Assert.Equal(WatchEventType.Deleted, (await watch.NextChange()).Type);
    }

    [Fact]
    public async Task Create_WithNamespacedOwnerInAnotherNamespace_IsCollected()
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } });
        var owner = await CreateWidget(Widget("owner", 1));

        await CreateConfigMap("cross", "other", RefTo("Widget", "owner", Uid(owner)));

        await ExpectStatus(404, () => Client.CoreV1.ReadNamespacedConfigMapAsync("cross", "other"));
        Assert.NotNull(await GetWidget("owner"));
    }

    [Fact]
    public async Task Update_AddingOwnerReferenceThatDoesNotResolve_CollectsTheObject()
    {
        await CreateConfigMap("cm");

        var dangling = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "gone", ["uid"] = Guid.NewGuid().ToString() };
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["ownerReferences"] = new JsonArray(dangling) } };

        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), "cm", "default");

        await ExpectStatus(404, () => Client.CoreV1.ReadNamespacedConfigMapAsync("cm", "default"));
    }

    [Fact]
    public async Task Delete_OrphanLeavingOnlyADanglingReference_CollectsTheDependent()
    {
        var owner = await CreateWidget(Widget("owner", 1));
        await CreateConfigMap("half", owners: [RefTo("Widget", "owner", Uid(owner)), RefTo("Widget", "ghost", Guid.NewGuid().ToString())]);
        Assert.NotNull(await Client.CoreV1.ReadNamespacedConfigMapAsync("half", "default"));

        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "owner", propagationPolicy: "Orphan");

        await ExpectStatus(404, () => Client.CoreV1.ReadNamespacedConfigMapAsync("half", "default"));
    }

    [Fact]
    public async Task Create_ManyObjectsWithLiveOwners_TestsEachOnceInsteadOfScanningTheStore()
    {
        const int n = 150;
        var owner = await CreateWidget(Widget("owner", 1));
        var before = Server.GarbageCollectorChecks;

        for (var i = 0; i < n; i++)
        {
            await CreateConfigMap($"dep-{i}", owners: RefTo("Widget", "owner", Uid(owner)));
        }

        for (var i = 0; i < n; i++)
        {
            await CreateConfigMap($"plain-{i}");
        }

        // A collector that scanned the store on every create would have made about n * n / 2 checks here.
        Assert.Equal(n, Server.GarbageCollectorChecks - before);
        Assert.Equal(2 * n, (await Client.CoreV1.ListNamespacedConfigMapAsync("default")).Items.Count(c => c.Metadata.Name.Contains('-', StringComparison.Ordinal)));
    }
}
