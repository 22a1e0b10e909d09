using Daalu.Api.V1Alpha1;
using Daalu.Runtime.Resources;

using k8s;
namespace Daalu.Runtime.Tests.Resources;

public sealed class FinalizersTests : IAsyncDisposable
{
    private const string Finalizer = "ai.daalu.io/node-labels";
    private readonly KubeApiServer.KubeApiServer _server = TestApi.Start();
    private readonly k8s.Kubernetes _client;
    private readonly Finalizers _finalizers;

    public FinalizersTests()
    {
        _client = _server.CreateClient();
        _finalizers = new Finalizers(_client);
    }

    [Fact]
    public async Task AddAsync_Twice_WritesOnce()
    {
        var gpuNode = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        _server.ClearRequests();

        Assert.True(await _finalizers.AddAsync(gpuNode, Finalizer, CancellationToken.None));
        Assert.False(await _finalizers.AddAsync(gpuNode, Finalizer, CancellationToken.None));

        Assert.Equal(1, _server.CountWriteRequests("gpunodes"));
        var stored = await TestApi.GetGpuNodeAsync(_client, "gpu-1");
        Assert.Equal([Finalizer], stored.Metadata.Finalizers);
        Assert.Equal(stored.Metadata.ResourceVersion, gpuNode.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task RemoveAsync_OnDeletingObject_ReleasesItAndRepeatIsNoop()
    {
        var gpuNode = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        await _finalizers.AddAsync(gpuNode, Finalizer, CancellationToken.None);
        await _client.CustomObjects.DeleteClusterCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "gpunodes", "gpu-1");
        var deleting = await TestApi.GetGpuNodeAsync(_client, "gpu-1");
        Assert.NotNull(deleting.Metadata.DeletionTimestamp);

        Assert.True(await _finalizers.RemoveAsync(deleting, Finalizer, CancellationToken.None));
        Assert.False(await _finalizers.RemoveAsync(deleting, Finalizer, CancellationToken.None));

        Assert.Null(_server.Peek("gpunodes", null, "gpu-1", ApiGroup.Group));
    }

    [Fact]
    public async Task AddAsync_StaleObject_ThrowsConflictForRetry()
    {
        var stale = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        var fresh = await TestApi.GetGpuNodeAsync(_client, "gpu-1");
        await _finalizers.AddAsync(fresh, "ai.daalu.io/other", CancellationToken.None);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => _finalizers.AddAsync(stale, Finalizer, CancellationToken.None));

        Assert.True(ApiErrors.IsConflict(error));
        Assert.Equal(["ai.daalu.io/other"], (await TestApi.GetGpuNodeAsync(_client, "gpu-1")).Metadata.Finalizers);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }
}
