using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

public sealed class SelectorAndPagingTests : TestCluster
{
    private async Task Seed()
    {
        var labels = new (string Name, Dictionary<string, string> Labels)[]
        {
            ("a", new() { ["tier"] = "gpu", ["class"] = "rtx-2000-ada" }),
            ("b", new() { ["tier"] = "gpu", ["class"] = "rtx-6000-ada" }),
            ("c", new() { ["tier"] = "cpu" }),
            ("d", new()),
        };
        foreach (var (name, l) in labels)
        {
            await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = l } }, "default");
        }
    }

    [Theory]
    [InlineData("tier=gpu", "a,b")]
    [InlineData("tier==gpu", "a,b")]
    [InlineData("tier!=gpu", "c,d")]
    [InlineData("tier in (gpu,cpu)", "a,b,c")]
    [InlineData("class notin (rtx-2000-ada)", "b,c,d")]
    [InlineData("class", "a,b")]
    [InlineData("!class", "c,d")]
    [InlineData("tier=gpu,class=rtx-6000-ada", "b")]
    [InlineData("", "a,b,c,d")]
    public async Task List_LabelSelector_MatchesLikeTheRealServer(string selector, string expected)
    {
        await Seed();

        var list = await Client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: selector);

        Assert.Equal(expected, string.Join(',', list.Items.Select(i => i.Metadata.Name)));
    }

    [Fact]
    public async Task List_BadLabelSelector_Returns400()
    {
        var status = await ExpectStatus(400, () => Client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "tier in gpu"));
        Assert.Equal("BadRequest", status["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_FieldSelector_NameAndNamespace()
    {
        await Seed();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, "kube-system");

        var byName = await Client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: "metadata.name=a");
        var byNs = await Client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: "metadata.namespace!=default");

        Assert.Equal(["default/a", "kube-system/a"], byName.Items.Select(i => i.Metadata.NamespaceProperty + "/" + i.Metadata.Name).Order());
        Assert.Equal(["kube-system/a"], byNs.Items.Select(i => i.Metadata.NamespaceProperty + "/" + i.Metadata.Name));
        var status = await ExpectStatus(400, () => Client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "data.x=1"));
        Assert.Equal("field label not supported: data.x", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_Paged_ReturnsConsistentSnapshotWithContinueAndListResourceVersion()
    {
        await Seed();
        var first = await Client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 3);
        Assert.Equal(["a", "b", "c"], first.Items.Select(i => i.Metadata.Name));
        Assert.False(string.IsNullOrEmpty(first.Metadata.ContinueProperty));
        Assert.Equal(1, first.Metadata.RemainingItemCount);

        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "e" } }, "default");
        var second = await Client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 3, continueParameter: first.Metadata.ContinueProperty);

        Assert.Equal(["d"], second.Items.Select(i => i.Metadata.Name));
        Assert.True(string.IsNullOrEmpty(second.Metadata.ContinueProperty));
        Assert.Equal(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
        Assert.Equal(5, (await Client.CoreV1.ListNamespacedConfigMapAsync("default")).Items.Count);
    }

    [Fact]
    public async Task List_ContinueAfterCompaction_Returns410Expired()
    {
        await Seed();
        var first = await Client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2);
        Server.CompactHistory();

        var status = await ExpectStatus(410, () => Client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: first.Metadata.ContinueProperty));

        Assert.Equal("Expired", status["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_CustomObjects_ByLabelAcrossNamespaces()
    {
        var w1 = Widget("w1", 1);
        w1["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["ai.daalu.io/tenant"] = "acme" };
        await CreateWidget(w1);
        await CreateWidget(Widget("w2", 1, ns: "kube-system"), "kube-system");

        var list = AsNode(await Client.CustomObjects.ListClusterCustomObjectAsync(Group, Version, "widgets", labelSelector: "ai.daalu.io/tenant=acme"));

        var item = Assert.Single(list["items"]!.AsArray());
        Assert.Equal("w1", item!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("Widget", item["kind"]!.GetValue<string>());
        Assert.Equal(Server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), list["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_PodsByNodeName_AndDeleteCollectionByLabel()
    {
        foreach (var (name, node) in new[] { ("p1", "gpu-1"), ("p2", "gpu-2") })
        {
            await Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "vllm" } },
                Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c", Image = "img:1" }] },
            }, "default");
        }

        var onNode = await Client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=gpu-2");
        Assert.Equal(["p2"], onNode.Items.Select(p => p.Metadata.Name));
        Assert.Equal("Pending", onNode.Items[0].Status.Phase);

        await Client.CoreV1.DeleteCollectionNamespacedPodAsync("default", labelSelector: "app=vllm");
        Assert.Empty((await Client.CoreV1.ListNamespacedPodAsync("default")).Items);
    }
}
