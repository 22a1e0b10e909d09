using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

public sealed class PatchTests : TestCluster
{
    [Fact]
    public async Task MergePatch_MergesMapsAndNullDeletes()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm", Labels = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } } }, "default");

        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"a":null,"c":"3"}}}""", V1Patch.PatchType.MergePatch), "cm", "default");

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2", ["c"] = "3" }, patched.Metadata.Labels);
    }

    [Fact]
    public async Task MergePatch_WithStaleResourceVersion_Returns409()
    {
        var cm = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" } }, "default");
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"x":"1"}}""", V1Patch.PatchType.MergePatch), "cm", "default");

        var status = await ExpectStatus(409, () => Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch($$$"""{"metadata":{"resourceVersion":"{{{cm.Metadata.ResourceVersion}}}"},"data":{"x":"2"}}""", V1Patch.PatchType.MergePatch), "cm", "default"));

        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task JsonPatch_AddReplaceRemoveAndTest()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" }, Data = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } }, "default");

        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(
            """[{"op":"test","path":"/data/a","value":"1"},{"op":"replace","path":"/data/a","value":"9"},{"op":"remove","path":"/data/b"},{"op":"add","path":"/metadata/labels","value":{"k":"v"}}]""",
            V1Patch.PatchType.JsonPatch), "cm", "default");

        Assert.Equal(new Dictionary<string, string> { ["a"] = "9" }, patched.Data);
        Assert.Equal("v", patched.Metadata.Labels["k"]);
        await ExpectStatus(422, () => Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""[{"op":"test","path":"/data/a","value":"1"}]""", V1Patch.PatchType.JsonPatch), "cm", "default"));
    }

    [Fact]
    public async Task StrategicMergePatch_MergesContainersByName()
    {
        var d = StatusAndGenerationTests.Deployment("vllm", "vllm/vllm-openai:v0.10.1");
        d.Spec.Template.Spec.Containers.Add(new V1Container { Name = "sidecar", Image = "busybox:1" });
        await Client.AppsV1.CreateNamespacedDeploymentAsync(d, "default");

        var patched = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(
            """{"spec":{"template":{"spec":{"containers":[{"name":"vllm","image":"vllm/vllm-openai:v0.11.0"}]}}}}""", V1Patch.PatchType.StrategicMergePatch), "vllm", "default");

        var containers = patched.Spec.Template.Spec.Containers;
        Assert.Equal(["vllm", "sidecar"], containers.Select(c => c.Name));
        Assert.Equal("vllm/vllm-openai:v0.11.0", containers[0].Image);
        Assert.Equal(8000, containers[0].Ports[0].ContainerPort);
        Assert.Equal(2, patched.Metadata.Generation);
    }

    [Fact]
    public async Task StrategicMergePatch_DeleteDirectiveRemovesListElement()
    {
        var d = StatusAndGenerationTests.Deployment("vllm", "img:1");
        d.Spec.Template.Spec.Containers.Add(new V1Container { Name = "sidecar", Image = "busybox:1" });
        await Client.AppsV1.CreateNamespacedDeploymentAsync(d, "default");

        var patched = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(
            """{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}""", V1Patch.PatchType.StrategicMergePatch), "vllm", "default");

        Assert.Equal(["vllm"], patched.Spec.Template.Spec.Containers.Select(c => c.Name));
    }

    [Fact]
    public async Task StrategicMergePatch_OnCustomResource_Returns415()
    {
        await CreateWidget(Widget("w", 1));

        var status = await ExpectStatus(415, () => Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"size":2}}""", V1Patch.PatchType.StrategicMergePatch), Group, Version, "default", "widgets", "w"));

        Assert.Equal("UnsupportedMediaType", status["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task MergePatchStatus_OnCustomResource_ChangesOnlyStatus()
    {
        await CreateWidget(Widget("w", 1));

        var patched = AsNode(await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"spec":{"size":7},"status":{"phase":"Ready"}}""", V1Patch.PatchType.MergePatch), Group, Version, "default", "widgets", "w"));

        Assert.Equal(1, patched["spec"]!["size"]!.GetValue<int>());
        Assert.Equal("Ready", patched["status"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_Missing_Returns404()
    {
        await ExpectStatus(404, () => Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{}", V1Patch.PatchType.MergePatch), "nope", "default"));
    }
}
