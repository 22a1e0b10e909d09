using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;
using Daalu.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Children;

// The apply path against the Kubernetes API test server over HTTP: what controller-runtime's CreateOrUpdate and
// SetControllerReference do (controllerutil: read, refuse a child controlled by another owner, mutate, write only when
// something changed), with "changed" meaning the spec-hash annotation.
public sealed class ChildApplierTests : IAsyncLifetime
{
    private KubeApiServer.KubeApiServer _server = null!;
    private Kubernetes _client = null!;
    private ModelServing _owner = null!;

    public async Task InitializeAsync()
    {
        _server = KubeApiServer.KubeApiServer.FromCrdDirectory(Paths.Crds);
        _client = _server.CreateClient("operator");
        await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } });
        var created = await _client.CustomObjects.CreateNamespacedCustomObjectAsync(
            Fixtures.ModelServing("coder"), ApiGroup.Group, ApiGroup.Version, "team-a", "modelservings");
        _owner = KubernetesJson.Deserialize<ModelServing>(KubernetesJson.Serialize(created));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static V1ConfigMap Desired(string value, string name = "child") => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team-a", Labels = new Dictionary<string, string> { [WellKnown.ManagedByLabel] = WellKnown.ManagedByValue } },
        Data = new Dictionary<string, string> { ["k"] = value },
    };

    private Task<ChildApplyResult<V1ConfigMap>> ApplyAsync(V1ConfigMap desired, V1ConfigMap? cached = null, bool readFromApi = true,
        ChildApplyMode mode = ChildApplyMode.CreateOrUpdate, bool owned = true) =>
        ChildApplier.ApplyAsync(_client, ChildKinds.ConfigMap, desired, owned ? _owner : null, cached, readFromApi, mode, CancellationToken.None);

    private int Writes() => _server.Requests.Count(r => r.IsWrite && r.Resource == "configmaps");

    [Fact]
    public async Task Apply_Missing_CreatedWithControllerReference_AgainUnchangedWithoutWrite()
    {
        var created = await ApplyAsync(Desired("1"));
        var again = await ApplyAsync(Desired("1"));

        Assert.Equal(ChildApplyOutcome.Created, created.Outcome);
        var reference = Assert.Single(created.Live.Metadata.OwnerReferences);
        Assert.Equal((_owner.Metadata.Uid, true, true), (reference.Uid, reference.Controller, reference.BlockOwnerDeletion));
        Assert.NotNull(SpecHash.Of(created.Live));
        Assert.Equal(ChildApplyOutcome.Unchanged, again.Outcome);
        Assert.Equal(1, Writes());
    }

    [Fact]
    public async Task Apply_Changed_ReplacedAtTheLiveResourceVersion()
    {
        var first = await ApplyAsync(Desired("1"));

        var updated = await ApplyAsync(Desired("2"));

        Assert.Equal(ChildApplyOutcome.Updated, updated.Outcome);
        Assert.Equal("2", updated.Live.Data["k"]);
        Assert.NotEqual(first.Live.Metadata.ResourceVersion, updated.Live.Metadata.ResourceVersion);
        Assert.Single(_server.Requests, r => r.Verb == "update" && r.Resource == "configmaps" && r.StatusCode == 200);
    }

    [Fact]
    public async Task Apply_ControlledBySomeoneElse_RefusedNothingWritten()
    {
        // Controlled by another (existing: the test server, like the real garbage collector, deletes a child whose
        // owner does not exist) ModelServing.
        var other = KubernetesJson.Deserialize<ModelServing>(KubernetesJson.Serialize(await _client.CustomObjects.CreateNamespacedCustomObjectAsync(
            Fixtures.ModelServing("other"), ApiGroup.Group, ApiGroup.Version, "team-a", "modelservings")));
        var foreign = Desired("theirs");
        Daalu.Runtime.Resources.OwnerReferences.SetControllerReference(foreign, other);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(foreign, "team-a");
        var before = Writes();

        var ex = await Assert.ThrowsAsync<ChildNotOwnedException>(() => ApplyAsync(Desired("mine")));

        Assert.Contains("not controlled by ModelServing coder", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Writes());
    }

    [Fact]
    public async Task Apply_SharedChildWithoutOurLabel_Refused()
    {
        var handMade = Desired("by hand");
        handMade.Metadata.Labels = null;
        await _client.CoreV1.CreateNamespacedConfigMapAsync(handMade, "team-a");

        var ex = await Assert.ThrowsAsync<ChildNotOwnedException>(() => ApplyAsync(Desired("ours"), owned: false));

        Assert.Contains("app.kubernetes.io/managed-by=daalu-operator", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_CacheHasNotSeenIt_AlreadyExistsReadsItAndWritesNothingMore()
    {
        await ApplyAsync(Desired("1"));

        // As a reconcile right after the create would see it through a lagging informer: not there.
        var result = await ApplyAsync(Desired("1"), cached: null, readFromApi: false);

        Assert.Equal(ChildApplyOutcome.Unchanged, result.Outcome);
        Assert.Single(_server.Requests, r => r.Verb == "create" && r.Resource == "configmaps" && r.StatusCode == 409);
        Assert.DoesNotContain(_server.Requests, r => r.Verb == "update" && r.Resource == "configmaps");
    }

    [Fact]
    public async Task Apply_StaleCacheOfADeletedChild_CreatedAgain()
    {
        var first = await ApplyAsync(Desired("1"));
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("child", "team-a");

        var result = await ApplyAsync(Desired("2"), cached: first.Live, readFromApi: false);

        Assert.Equal(ChildApplyOutcome.Created, result.Outcome);
        Assert.Equal("2", (await _client.CoreV1.ReadNamespacedConfigMapAsync("child", "team-a")).Data["k"]);
    }

    [Fact]
    public async Task Apply_CreateOnlyExistingDiffers_LeftAsItIs()
    {
        await ApplyAsync(Desired("1"));

        var result = await ApplyAsync(Desired("2"), mode: ChildApplyMode.CreateOnly);

        Assert.Equal(ChildApplyOutcome.Unchanged, result.Outcome);
        Assert.Equal("1", result.Live.Data["k"]);
        Assert.Equal(1, Writes());
    }

    [Fact]
    public async Task Apply_ServiceChanged_ClusterIpCarriedOver()
    {
        var service = VllmBuilder.BuildService(_owner);
        var created = await ChildApplier.ApplyAsync(_client, ChildKinds.Service, service, _owner, null, true, ChildApplyMode.CreateOrUpdate, CancellationToken.None);
        var changed = VllmBuilder.BuildService(_owner);
        changed.Spec.Ports[0].Name = "web";

        var updated = await ChildApplier.ApplyAsync(_client, ChildKinds.Service, changed, _owner, created.Live, false, ChildApplyMode.CreateOrUpdate, CancellationToken.None);

        Assert.Equal(ChildApplyOutcome.Updated, updated.Outcome);
        Assert.False(string.IsNullOrEmpty(created.Live.Spec.ClusterIP));
        Assert.Equal(created.Live.Spec.ClusterIP, updated.Live.Spec.ClusterIP);
        Assert.Equal("web", updated.Live.Spec.Ports[0].Name);
    }

    [Fact]
    public async Task Apply_OwnerInAnotherNamespace_Refused()
    {
        var elsewhere = Desired("1");
        elsewhere.Metadata.NamespaceProperty = "default";

        await Assert.ThrowsAsync<InvalidOperationException>(() => ApplyAsync(elsewhere));
        Assert.Equal(0, Writes());
    }
}
