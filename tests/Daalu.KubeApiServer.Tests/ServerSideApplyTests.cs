using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

public sealed class ServerSideApplyTests : TestCluster
{
    private Task<object> Apply(JsonObject config, string manager, bool force = false) =>
        Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(config.ToJsonString(), V1Patch.PatchType.ApplyPatch), Group, Version, "default", "widgets", config["metadata"]!["name"]!.GetValue<string>(), fieldManager: manager, force: force);

    [Fact]
    public async Task Apply_CreatesWhenMissing_AndRecordsManagedFields()
    {
        var created = AsNode(await Apply(Widget("w", 2, "green"), "daalu-operator"));

        Assert.Equal(1, Generation(created));
        var entry = Assert.Single(created["metadata"]!["managedFields"]!.AsArray())!;
        Assert.Equal("daalu-operator", entry["manager"]!.GetValue<string>());
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());
        Assert.NotNull(entry["fieldsV1"]!["f:spec"]!["f:size"]);
    }

    [Fact]
    public async Task Apply_SameConfigTwice_IsANoOp()
    {
        var first = AsNode(await Apply(Widget("w", 2, "green"), "daalu-operator"));

        var second = AsNode(await Apply(Widget("w", 2, "green"), "daalu-operator"));

        Assert.Equal(Rv(first), Rv(second));
        Assert.Equal(1, Server.CountChanges("widgets", "default", "w"));
    }

    [Fact]
    public async Task Apply_ChangingAFieldOwnedByAnotherManager_Conflicts_UnlessForced()
    {
        await Apply(Widget("w", 2, "green"), "alice");

        var status = await ExpectStatus(409, () => Apply(Widget("w", 3, "green"), "bob"));

        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\": .spec.size", status["message"]!.GetValue<string>());
        var forced = AsNode(await Apply(Widget("w", 3, "green"), "bob", force: true));
        Assert.Equal(3, forced["spec"]!["size"]!.GetValue<int>());
        var owners = forced["metadata"]!["managedFields"]!.AsArray().ToDictionary(e => e!["manager"]!.GetValue<string>(), e => e!["fieldsV1"]!["f:spec"]!.AsObject());
        Assert.Null(owners["alice"]["f:size"]);
        Assert.NotNull(owners["bob"]["f:size"]);
    }

    [Fact]
    public async Task Apply_SameValueAsAnotherManager_SharesOwnershipWithoutConflict()
    {
        await Apply(Widget("w", 2, "green"), "alice");

        var shared = AsNode(await Apply(Widget("w", 2), "bob"));

        Assert.Equal(2, shared["metadata"]!["managedFields"]!.AsArray().Count);
    }

    [Fact]
    public async Task Apply_DroppingAField_RemovesItWhenNoOneElseOwnsIt()
    {
        var config = Widget("w", 2, "green");
        config["spec"]!["image"] = "img:1";
        await Apply(config, "daalu-operator");

        var after = AsNode(await Apply(Widget("w", 2, "green"), "daalu-operator"));

        Assert.Null(after["spec"]!["image"]);
    }

    [Fact]
    public async Task Apply_ListTypeMap_MergesElementsByKey()
    {
        var alice = Widget("w", 2);
        alice["spec"]!["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80 });
        await Apply(alice, "alice");
        var bob = Widget("w", 2);
        bob["spec"]!["ports"] = new JsonArray(new JsonObject { ["name"] = "metrics", ["port"] = 9090 });

        var merged = AsNode(await Apply(bob, "bob"));

        Assert.Equal(["http", "metrics"], merged["spec"]!["ports"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Update_TakesOwnershipOfChangedFields_SoALaterApplyConflicts()
    {
        await Apply(Widget("w", 2, "green"), "daalu-operator");
        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"size":4}}""", V1Patch.PatchType.MergePatch), Group, Version, "default", "widgets", "w", fieldManager: "kubectl-edit");

        var status = await ExpectStatus(409, () => Apply(Widget("w", 2, "green"), "daalu-operator"));

        Assert.Contains("conflict with \"kubectl-edit\": .spec.size", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_WithoutFieldManager_Returns422()
    {
        await ExpectStatus(422, () => Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(Widget("w", 1).ToJsonString(), V1Patch.PatchType.ApplyPatch), Group, Version, "default", "widgets", "w"));
    }

    [Fact]
    public async Task Apply_BuiltinDeployment_MergesContainersByName()
    {
        var d = StatusAndGenerationTests.Deployment("vllm", "img:1");
        d.ApiVersion = "apps/v1";
        d.Kind = "Deployment";
        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(KubernetesJson.Serialize(d), V1Patch.PatchType.ApplyPatch), "vllm", "default", fieldManager: "daalu-operator");
        d.Spec.Template.Spec.Containers[0].Image = "img:2";

        var updated = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(KubernetesJson.Serialize(d), V1Patch.PatchType.ApplyPatch), "vllm", "default", fieldManager: "daalu-operator");

        Assert.Equal("img:2", Assert.Single(updated.Spec.Template.Spec.Containers).Image);
        Assert.Equal(2, updated.Metadata.Generation);
    }
}
