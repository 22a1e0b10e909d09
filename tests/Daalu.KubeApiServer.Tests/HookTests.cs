using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

public sealed class HookTests : TestCluster
{
    [Fact]
    public async Task InjectFailure_NextMatchingRequestsFailThenNormalServiceResumes()
    {
        await CreateWidget(Widget("w", 1));
        Server.InjectFailure(new FailureRule { Verb = "patch", Resource = "widgets", Subresource = "status", StatusCode = 409, Times = 2 });
        var patch = new V1Patch("""{"status":{"phase":"Ready"}}""", V1Patch.PatchType.MergePatch);

        var first = await ExpectStatus(409, () => Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, Group, Version, "default", "widgets", "w"));
        await ExpectStatus(409, () => Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, Group, Version, "default", "widgets", "w"));
        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"metadata":{"labels":{"a":"b"}}}""", V1Patch.PatchType.MergePatch), Group, Version, "default", "widgets", "w");
        var ok = AsNode(await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, Group, Version, "default", "widgets", "w"));

        Assert.Equal("Conflict", first["reason"]!.GetValue<string>());
        Assert.Equal("Ready", ok["status"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task InjectFailure_500OnList()
    {
        Server.InjectFailure(new FailureRule { Verb = "list", Resource = "configmaps", StatusCode = 500 });

        var status = await ExpectStatus(500, () => Client.CoreV1.ListNamespacedConfigMapAsync("default"));

        Assert.Equal("InternalError", status["reason"]!.GetValue<string>());
        Assert.Empty((await Client.CoreV1.ListNamespacedConfigMapAsync("default")).Items);
    }

    [Fact]
    public async Task InjectFailure_Hang_NeverAnswersUntilTheClientGivesUp()
    {
        Server.InjectFailure(new FailureRule { Verb = "get", Resource = "configmaps", Hang = true });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default", cancellationToken: cts.Token));
        await ExpectStatus(404, () => Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default"));
    }

    [Fact]
    public async Task RequestLog_RecordsVerbPathAndWho()
    {
        using var operatorClient = Server.CreateClient("daalu-operator");
        Server.ClearRequests();

        await operatorClient.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" } }, "default");
        await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", "default");

        var log = Server.Requests;
        Assert.Equal(2, log.Count);
        Assert.Equal(("create", "daalu-operator", "cm", 201), (log[0].Verb, log[0].User, log[0].Name, log[0].StatusCode));
        Assert.Equal(("get", "test", "/api/v1/namespaces/default/configmaps/cm", 200), (log[1].Verb, log[1].User, log[1].Path, log[1].StatusCode));
        Assert.True(log[0].IsWrite);
        Assert.False(log[1].IsWrite);
    }

    [Fact]
    public async Task Counters_DistinguishWriteRequestsFromCommittedChanges()
    {
        var created = await CreateWidget(Widget("w", 1));
        var patch = new V1Patch("""{"status":{"phase":"Ready"}}""", V1Patch.PatchType.MergePatch);
        await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, Group, Version, "default", "widgets", "w");
        await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, Group, Version, "default", "widgets", "w");

        Assert.Equal(3, Server.CountWriteRequests("widgets", "default", "w"));
        Assert.Equal(2, Server.CountChanges("widgets", "default", "w"));
        Assert.Equal(0, Server.CountWriteRequests("widgets", "default", "other"));
        Assert.NotNull(created);
    }

    [Fact]
    public async Task Discovery_ServesVersionGroupsAndResources()
    {
        var version = await Client.Version.GetCodeAsync();
        Assert.Equal("1", version.Major);

        using var http = new HttpClient();
        var groups = JsonNode.Parse(await http.GetStringAsync(Server.BaseUrl + "/apis"))!;
        Assert.Contains(groups["groups"]!.AsArray(), g => g!["name"]!.GetValue<string>() == "test.daalu.io");
        var resources = JsonNode.Parse(await http.GetStringAsync(Server.BaseUrl + "/apis/test.daalu.io/v1"))!["resources"]!.AsArray();
        Assert.Contains(resources, r => r!["name"]!.GetValue<string>() == "widgets" && r["namespaced"]!.GetValue<bool>());
        Assert.Contains(resources, r => r!["name"]!.GetValue<string>() == "widgets/status");
        var core = JsonNode.Parse(await http.GetStringAsync(Server.BaseUrl + "/api/v1"))!["resources"]!.AsArray();
        Assert.Contains(core, r => r!["name"]!.GetValue<string>() == "nodes" && !r["namespaced"]!.GetValue<bool>());
        var unknown = await http.GetAsync(Server.BaseUrl + "/apis/nope.io/v1/things");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
