using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

public sealed class DeletionTests : TestCluster
{
    private static JsonObject WithFinalizer(JsonObject o, string finalizer)
    {
        o["metadata"]!["finalizers"] = new JsonArray(finalizer);
        return o;
    }

    [Fact]
    public async Task Delete_WithFinalizer_SetsDeletionTimestampAndEmitsModified_ThenRemovingFinalizerDeletes()
    {
        var created = await CreateWidget(WithFinalizer(Widget("w", 1), "ai.daalu.io/cleanup"));
        await using var watch = new WatchCollector<object>((onError, ct) =>
            Client.CustomObjects.WatchListNamespacedCustomObjectAsync(Group, Version, "default", "widgets", resourceVersion: Rv(created), onError: onError, cancellationToken: ct));

        var pending = AsNode(await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "w"));

        Assert.NotNull(pending["metadata"]!["deletionTimestamp"]);
        Assert.Equal(2, Generation(pending));
        var modified = await watch.NextChange();
        Assert.Equal(WatchEventType.Modified, modified.Type);
        Assert.NotNull(AsNode(modified.Object)["metadata"]!["deletionTimestamp"]);
        Assert.NotNull(await GetWidget("w"));

        var adding = await ExpectStatus(422, () => Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"metadata":{"finalizers":["ai.daalu.io/cleanup","other"]}}""", V1Patch.PatchType.MergePatch), Group, Version, "default", "widgets", "w"));
        Assert.Contains("no new finalizers can be added if the object is being deleted", adding["message"]!.GetValue<string>(), StringComparison.Ordinal);

        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), Group, Version, "default", "widgets", "w");

        var deleted = await watch.NextChange();
        Assert.Equal(WatchEventType.Deleted, deleted.Type);
        await ExpectStatus(404, () => GetWidget("w"));
    }

    [Fact]
    public async Task Delete_Twice_WhilePending_KeepsTheFirstDeletionTimestamp()
    {
        await CreateWidget(WithFinalizer(Widget("w", 1), "f"));
        var first = AsNode(await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "w"));

        var second = AsNode(await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "w"));

        Assert.Equal(Rv(first), Rv(second));
    }

    [Fact]
    public async Task Delete_Deployment_ReturnsSuccessStatus()
    {
        await Client.AppsV1.CreateNamespacedDeploymentAsync(StatusAndGenerationTests.Deployment("d", "img:1"), "default");

        var status = await Client.AppsV1.DeleteNamespacedDeploymentAsync("d", "default");

        Assert.Equal("Success", status.Status);
        Assert.Equal("deployments", status.Details.Kind);
        await ExpectStatus(404, () => Client.AppsV1.ReadNamespacedDeploymentAsync("d", "default"));
    }

    [Fact]
    public async Task Delete_WithStaleUidPrecondition_Returns409()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" } }, "default");

        await ExpectStatus(409, () => Client.CoreV1.DeleteNamespacedConfigMapAsync("cm", "default", new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "not-it" } }));
    }

    [Fact]
    public async Task GarbageCollector_DeletesDependentsWhenTheOwnerGoes_AndCascades()
    {
        var owner = await CreateWidget(Widget("owner", 1));
        var ownerRef = new V1OwnerReference { ApiVersion = "test.daalu.io/v1", Kind = "Widget", Name = "owner", Uid = owner["metadata"]!["uid"]!.GetValue<string>(), Controller = true, BlockOwnerDeletion = true };
        var d = StatusAndGenerationTests.Deployment("child", "img:1");
        d.Metadata.OwnerReferences = [ownerRef];
        var child = await Client.AppsV1.CreateNamespacedDeploymentAsync(d, "default");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "grandchild", OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "child", Uid = child.Metadata.Uid }] },
        }, "default");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "unrelated" } }, "default");

        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "owner");

        await ExpectStatus(404, () => Client.AppsV1.ReadNamespacedDeploymentAsync("child", "default"));
        await ExpectStatus(404, () => Client.CoreV1.ReadNamespacedConfigMapAsync("grandchild", "default"));
        Assert.NotNull(await Client.CoreV1.ReadNamespacedConfigMapAsync("unrelated", "default"));
    }

    [Fact]
    public async Task GarbageCollector_KeepsDependentWhileAnotherOwnerLives()
    {
        var a = await CreateWidget(Widget("a", 1));
        var b = await CreateWidget(Widget("b", 1));
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta
            {
                Name = "shared",
                OwnerReferences =
                [
                    new V1OwnerReference { ApiVersion = "test.daalu.io/v1", Kind = "Widget", Name = "a", Uid = a["metadata"]!["uid"]!.GetValue<string>() },
                    new V1OwnerReference { ApiVersion = "test.daalu.io/v1", Kind = "Widget", Name = "b", Uid = b["metadata"]!["uid"]!.GetValue<string>() },
                ],
            },
        }, "default");

        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "a");
        Assert.NotNull(await Client.CoreV1.ReadNamespacedConfigMapAsync("shared", "default"));

        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "b");
        await ExpectStatus(404, () => Client.CoreV1.ReadNamespacedConfigMapAsync("shared", "default"));
    }

    [Fact]
    public async Task GarbageCollector_DependentWithFinalizer_GetsDeletionTimestampOnly()
    {
        var owner = await CreateWidget(Widget("owner", 1));
        var uid = owner["metadata"]!["uid"]!.GetValue<string>();
        var child = Widget("child", 1);
        child["metadata"]!["finalizers"] = new JsonArray("ai.daalu.io/cleanup");
        child["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "test.daalu.io/v1", ["kind"] = "Widget", ["name"] = "owner", ["uid"] = uid });
        await CreateWidget(child);

        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "owner");

        Assert.NotNull((await GetWidget("child"))["metadata"]!["deletionTimestamp"]);
    }

    [Fact]
    public async Task Delete_OrphanPropagation_KeepsDependentsAndDropsTheirOwnerReference()
    {
        var owner = await CreateWidget(Widget("owner", 1));
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "child", OwnerReferences = [new V1OwnerReference { ApiVersion = "test.daalu.io/v1", Kind = "Widget", Name = "owner", Uid = owner["metadata"]!["uid"]!.GetValue<string>() }] },
        }, "default");

        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "owner", propagationPolicy: "Orphan");

        var child = await Client.CoreV1.ReadNamespacedConfigMapAsync("child", "default");
        Assert.Null(child.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task Delete_Namespace_RemovesItsContentsThenItself()
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "tenant-a" } });
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" } }, "tenant-a");
        await CreateWidget(Widget("w", 1, ns: "tenant-a"), "tenant-a");

        await Client.CoreV1.DeleteNamespaceAsync("tenant-a");

        await ExpectStatus(404, () => Client.CoreV1.ReadNamespaceAsync("tenant-a"));
        await ExpectStatus(404, () => Client.CoreV1.ReadNamespacedConfigMapAsync("cm", "tenant-a"));
        Assert.Empty(AsNode(await Client.CustomObjects.ListClusterCustomObjectAsync(Group, Version, "widgets"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Delete_NamespaceWithFinalizedContent_StaysTerminatingAndRefusesNewContent()
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "tenant-b" } });
        await CreateWidget(WithFinalizer(Widget("w", 1, ns: "tenant-b"), "f"), "tenant-b");

        await Client.CoreV1.DeleteNamespaceAsync("tenant-b");

        var ns = await Client.CoreV1.ReadNamespaceAsync("tenant-b");
        Assert.Equal("Terminating", ns.Status.Phase);
        var refused = await ExpectStatus(403, () => Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "late" } }, "tenant-b"));
        Assert.Equal("Forbidden", refused["reason"]!.GetValue<string>());

        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), Group, Version, "tenant-b", "widgets", "w");
        await ExpectStatus(404, () => Client.CoreV1.ReadNamespaceAsync("tenant-b"));
    }

    [Fact]
    public async Task Delete_Foreground_OwnerWaitsForBlockingDependentsThenGoes()
    {
        var owner = await CreateWidget(Widget("owner", 1));
        var uid = owner["metadata"]!["uid"]!.GetValue<string>();
        var child = WithFinalizer(Widget("child", 1), "ai.daalu.io/cleanup");
        child["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "test.daalu.io/v1", ["kind"] = "Widget", ["name"] = "owner", ["uid"] = uid, ["blockOwnerDeletion"] = true });
        await CreateWidget(child);

        var pending = AsNode(await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "owner", propagationPolicy: "Foreground"));

        Assert.Contains("foregroundDeletion", pending["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.NotNull((await GetWidget("child"))["metadata"]!["deletionTimestamp"]);
        Assert.NotNull(await GetWidget("owner"));

        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), Group, Version, "default", "widgets", "child");

        await ExpectStatus(404, () => GetWidget("child"));
        await ExpectStatus(404, () => GetWidget("owner"));
    }
}
