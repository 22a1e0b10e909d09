using Daalu.Operator.Gpu;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Operator.Tests.Gpu;

// The probe against the Kubernetes API test server over HTTP. The test server has no node.k8s.io built in; here it
// serves runtimeclasses.node.k8s.io/v1 (cluster-scoped, kind RuntimeClass, top-level `handler`, as the real API
// defines it) from a CustomResourceDefinition, so the probe's GET takes the same path and gets the same 200 / 404.
public sealed class ApiRuntimeClassProbeTests : IAsyncLifetime
{
    private const string RuntimeClassCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: runtimeclasses.node.k8s.io
        spec:
          group: node.k8s.io
          scope: Cluster
          names: {plural: runtimeclasses, singular: runtimeclass, kind: RuntimeClass}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  handler: {type: string}
        """;

    private string _crdPath = string.Empty;
    private KubeApiServer.KubeApiServer _server = null!;
    private Kubernetes _client = null!;

    public Task InitializeAsync()
    {
        _crdPath = Path.Combine(Path.GetTempPath(), $"runtimeclass-crd-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(_crdPath, RuntimeClassCrd);
        _server = new KubeApiServer.KubeApiServer([_crdPath]);
        _client = _server.CreateClient("operator");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        File.Delete(_crdPath);
    }

    private ApiRuntimeClassProbe Probe(TimeProvider time) => new(_client, time, NullLogger<ApiRuntimeClassProbe>.Instance);

    private Task<V1RuntimeClass> CreateNvidiaAsync() =>
        _client.NodeV1.CreateRuntimeClassAsync(new V1RuntimeClass { ApiVersion = "node.k8s.io/v1", Kind = "RuntimeClass", Metadata = new V1ObjectMeta { Name = "nvidia" }, Handler = "nvidia" });

    [Fact]
    public async Task ExistsAsync_Missing_False_Created_TrueAfterCacheExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var probe = Probe(time);

        Assert.False(await probe.ExistsAsync("nvidia", CancellationToken.None));
        await CreateNvidiaAsync();

        // Within the cache period the remembered answer stands (no request per reconcile)...
        Assert.False(await probe.ExistsAsync("nvidia", CancellationToken.None));
        Assert.Equal(1, _server.Requests.Count(r => r.Resource == "runtimeclasses" && r.Verb == "get"));

        // ...after it the API is asked again.
        time.Advance(probe.CacheFor);
        Assert.True(await probe.ExistsAsync("nvidia", CancellationToken.None));
        Assert.Equal(2, _server.Requests.Count(r => r.Resource == "runtimeclasses" && r.Verb == "get"));
    }

    [Fact]
    public async Task ExistsAsync_ApiWithoutNodeGroup_FalseNotThrown()
    {
        // A server that does not serve node.k8s.io at all answers 404 too (here: the plain test server).
        await using var bare = new KubeApiServer.KubeApiServer();
        using var client = bare.CreateClient("operator");
        var probe = new ApiRuntimeClassProbe(client, TimeProvider.System, NullLogger<ApiRuntimeClassProbe>.Instance);

        Assert.False(await probe.ExistsAsync("nvidia", CancellationToken.None));
    }

    [Fact]
    public async Task ExistsAsync_Forbidden_FalseNotThrown()
    {
        _server.InjectFailure(new KubeApiServer.FailureRule { Verb = "get", Resource = "runtimeclasses", StatusCode = 403, Times = 1 });
        await CreateNvidiaAsync();

        Assert.False(await Probe(TimeProvider.System).ExistsAsync("nvidia", CancellationToken.None));
    }

    [Fact]
    public async Task ExistsAsync_ServerErrorAfterAnAnswer_KeepsTheLastAnswer()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var probe = Probe(time);
        await CreateNvidiaAsync();
        Assert.True(await probe.ExistsAsync("nvidia", CancellationToken.None));

        time.Advance(probe.CacheFor);
        _server.InjectFailure(new KubeApiServer.FailureRule { Verb = "get", Resource = "runtimeclasses", StatusCode = 500, Times = 1 });

        Assert.True(await probe.ExistsAsync("nvidia", CancellationToken.None));
    }
}
