using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

public sealed class CrudTests : TestCluster
{
    [Fact]
    public async Task CreateConfigMap_SetsUidCreationTimestampAndResourceVersion()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, "default");

        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal("default", created.Metadata.NamespaceProperty);
        Assert.True(long.Parse(created.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > 0);
        var read = await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", "default");
        Assert.Equal("1", read.Data["a"]);
        Assert.Equal(created.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task ResourceVersion_IsOneGlobalIncreasingCounterAcrossKinds()
    {
        var a = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, "default");
        var b = await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "b" } }, "default");
        var c = await CreateWidget(Widget("c", 1));

        var rvs = new[] { a.Metadata.ResourceVersion, b.Metadata.ResourceVersion, Rv(c) }.Select(long.Parse).ToArray();
        Assert.True(rvs[0] < rvs[1] && rvs[1] < rvs[2]);
    }

    [Fact]
    public async Task Get_Missing_ReturnsNotFoundStatusInRealShape()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(Server.BaseUrl + "/apis/apps/v1/namespaces/default/deployments/nope");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"nope\" not found","reason":"NotFound","details":{"name":"nope","group":"apps","kind":"deployments"},"code":404}""",
            body);
    }

    [Fact]
    public async Task Get_MissingThroughClient_ThrowsHttpOperationExceptionWith404()
    {
        var status = await ExpectStatus(404, () => Client.CoreV1.ReadNamespacedPodAsync("nope", "default"));
        Assert.Equal("pods \"nope\" not found", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_ExistingName_Returns409AlreadyExists()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "dup" } }, "default");

        var status = await ExpectStatus(409, () => Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "dup" } }, "default"));

        Assert.Equal("AlreadyExists", status["reason"]!.GetValue<string>());
        Assert.Equal("configmaps \"dup\" already exists", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Replace_StaleResourceVersion_Returns409Conflict()
    {
        var v1 = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" } }, "default");
        var stale = await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", "default");
        v1.Data = new Dictionary<string, string> { ["x"] = "1" };
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(v1, "cm", "default");

        stale.Data = new Dictionary<string, string> { ["x"] = "2" };
        var status = await ExpectStatus(409, () => Client.CoreV1.ReplaceNamespacedConfigMapAsync(stale, "cm", "default"));

        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
        Assert.Contains("the object has been modified; please apply your changes to the latest version and try again", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("1", (await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", "default")).Data["x"]);
    }

    [Fact]
    public async Task Replace_WithoutChanges_KeepsResourceVersionAndCommitsNothing()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, "default");

        var replaced = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "cm", "default");

        Assert.Equal(created.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
        Assert.Equal(1, Server.CountChanges("configmaps", "default", "cm"));
        Assert.Equal(2, Server.CountWriteRequests("configmaps", "default", "cm"));
    }

    [Fact]
    public async Task Crud_ClusterScopedNode_AndNamespacedKinds_Work()
    {
        await Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "gpu-1", Labels = new Dictionary<string, string> { ["nvidia.com/gpu.product"] = "NVIDIA-RTX-2000-Ada" } } });
        await Client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = "leader" }, Spec = new V1LeaseSpec { HolderIdentity = "me", LeaseDurationSeconds = 15 } }, "default");
        await Client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event { Metadata = new V1ObjectMeta { Name = "ev1" }, Reason = "Created", Note = "n", Type = "Normal", Action = "Create", ReportingController = "daalu", ReportingInstance = "x", EventTime = DateTime.UtcNow }, "default");
        await Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event { Metadata = new V1ObjectMeta { Name = "ev2" }, InvolvedObject = new V1ObjectReference { Kind = "Node", Name = "gpu-1" }, Reason = "Seen" }, "default");
        await Client.AppsV1.CreateNamespacedDaemonSetAsync(new V1DaemonSet
        {
            Metadata = new V1ObjectMeta { Name = "dp" },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "dp" } },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "dp" } }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nvcr.io/nvidia/k8s-device-plugin:v0.17.0" }] } },
            },
        }, "kube-system");

        var node = await Client.CoreV1.ReadNodeAsync("gpu-1");
        Assert.Null(node.Metadata.NamespaceProperty);
        Assert.Equal("me", (await Client.CoordinationV1.ReadNamespacedLeaseAsync("leader", "default")).Spec.HolderIdentity);
        Assert.Single((await Client.EventsV1.ListNamespacedEventAsync("default")).Items);
        Assert.Single((await Client.CoreV1.ListNamespacedEventAsync("default")).Items);
        Assert.Single((await Client.AppsV1.ListDaemonSetForAllNamespacesAsync()).Items);
        await Client.CoreV1.DeleteNodeAsync("gpu-1");
        await ExpectStatus(404, () => Client.CoreV1.ReadNodeAsync("gpu-1"));
    }

    [Fact]
    public async Task Create_InMissingNamespace_Returns404ForTheNamespace()
    {
        var status = await ExpectStatus(404, () => Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" } }, "nowhere"));

        Assert.Equal("namespaces \"nowhere\" not found", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_GenerateName_GetsRandomSuffix()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "cfg-" } }, "default");

        Assert.StartsWith("cfg-", created.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(9, created.Metadata.Name.Length);
    }

    [Fact]
    public async Task CustomObject_ClusterScoped_CrudWorks()
    {
        var gadget = new JsonObject { ["apiVersion"] = "test.daalu.io/v1", ["kind"] = "Gadget", ["metadata"] = new JsonObject { ["name"] = "g1" }, ["spec"] = new JsonObject { ["anything"] = 1 } };
        await Client.CustomObjects.CreateClusterCustomObjectAsync(gadget, Group, Version, "gadgets");

        var read = AsNode(await Client.CustomObjects.GetClusterCustomObjectAsync(Group, Version, "gadgets", "g1"));
        Assert.Equal(1, read["spec"]!["anything"]!.GetValue<int>());
        Assert.Equal(1, Generation(read));
        var list = AsNode(await Client.CustomObjects.ListClusterCustomObjectAsync(Group, Version, "gadgets"));
        Assert.Equal("GadgetList", list["kind"]!.GetValue<string>());
        await Client.CustomObjects.DeleteClusterCustomObjectAsync(Group, Version, "gadgets", "g1");
        await ExpectStatus(404, () => Client.CustomObjects.GetClusterCustomObjectAsync(Group, Version, "gadgets", "g1"));
    }

    [Fact]
    public async Task Secret_StringData_IsFoldedIntoBase64Data()
    {
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "hf" }, StringData = new Dictionary<string, string> { ["token"] = "abc" } }, "default");

        var secret = await Client.CoreV1.ReadNamespacedSecretAsync("hf", "default");

        Assert.Null(secret.StringData);
        Assert.Equal("abc", System.Text.Encoding.UTF8.GetString(secret.Data["token"]));
        Assert.Equal("Opaque", secret.Type);
    }

    [Fact]
    public async Task Replace_CustomResourceWithoutResourceVersion_Returns422_ButConfigMapIsUnconditional()
    {
        var created = await CreateWidget(Widget("w", 1));
        created["metadata"]!.AsObject().Remove("resourceVersion");

        var status = await ExpectStatus(422, () => Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(created, Group, Version, "default", "widgets", "w"));

        Assert.Equal("Widget.test.daalu.io \"w\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", status["message"]!.GetValue<string>());
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" } }, "default");
        var replaced = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, "cm", "default");
        Assert.Equal("1", replaced.Data["a"]);
    }
}
