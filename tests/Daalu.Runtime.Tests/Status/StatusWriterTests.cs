using Daalu.Api.V1Alpha1;
using Daalu.KubeApiServer;
using Daalu.Runtime.Status;
using k8s;
using k8s.Models;

namespace Daalu.Runtime.Tests.Status;

public sealed class StatusWriterTests : IAsyncDisposable
{
    private readonly KubeApiServer.KubeApiServer _server = TestApi.Start();
    private readonly k8s.Kubernetes _client;
    private readonly StatusWriter _writer;

    public StatusWriterTests()
    {
        _client = _server.CreateClient();
        _writer = new StatusWriter(_client);
    }

    private static GpuNodeStatus Desired(string phase) => new() { ObservedGeneration = 1, Phase = phase, GpuCount = 1 };

    [Fact]
    public async Task WriteAsync_ChangedThenSame_WritesOnceThenNothing()
    {
        var gpuNode = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        _server.ClearRequests();

        Assert.Equal(StatusWriteOutcome.Written, await _writer.WriteAsync(gpuNode, Desired(GpuNodePhases.Ready), CancellationToken.None));
        var reread = await TestApi.GetGpuNodeAsync(_client, "gpu-1");
        Assert.Equal(GpuNodePhases.Ready, reread.Status?.Phase);
        Assert.Equal(reread.Metadata.ResourceVersion, gpuNode.Metadata.ResourceVersion);

        Assert.Equal(StatusWriteOutcome.Unchanged, await _writer.WriteAsync(reread, Desired(GpuNodePhases.Ready), CancellationToken.None));
        Assert.Equal(1, _server.CountWriteRequests("gpunodes"));
        Assert.Equal(reread.Metadata.ResourceVersion, (await TestApi.GetGpuNodeAsync(_client, "gpu-1")).Metadata.ResourceVersion);
    }

    [Fact]
    public async Task WriteAsync_ReadFromBeforeOwnWriteWithSameStatus_UnchangedWithoutARequest()
    {
        // What a lagging informer cache hands the next reconcile: the object as it was before this writer's patch.
        var beforeWrite = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        var copy = await TestApi.GetGpuNodeAsync(_client, "gpu-1");
        Assert.Equal(StatusWriteOutcome.Written, await _writer.WriteAsync(copy, Desired(GpuNodePhases.Ready), CancellationToken.None));
        _server.ClearRequests();

        var outcome = await _writer.WriteAsync(beforeWrite, Desired(GpuNodePhases.Ready), CancellationToken.None);

        Assert.Equal(StatusWriteOutcome.Unchanged, outcome);
        Assert.Equal(0, _server.CountWriteRequests("gpunodes"));
    }

    [Fact]
    public async Task WriteAsync_SomeoneElseChangedStatusAfterOwnWrite_WritesAgain()
    {
        var gpuNode = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        Assert.Equal(StatusWriteOutcome.Written, await _writer.WriteAsync(gpuNode, Desired(GpuNodePhases.Ready), CancellationToken.None));
        await _client.CustomObjects.PatchClusterCustomObjectStatusAsync(new V1Patch("""{"status":{"phase":"Pending"}}""", V1Patch.PatchType.MergePatch),
            "ai.daalu.io", "v1alpha1", "gpunodes", "gpu-1");
        var changed = await TestApi.GetGpuNodeAsync(_client, "gpu-1");

        Assert.Equal(StatusWriteOutcome.Written, await _writer.WriteAsync(changed, Desired(GpuNodePhases.Ready), CancellationToken.None));
        Assert.Equal(GpuNodePhases.Ready, (await TestApi.GetGpuNodeAsync(_client, "gpu-1")).Status?.Phase);
    }

    [Fact]
    public async Task WriteAsync_StaleResourceVersion_ConflictAndNothingOverwritten()
    {
        var stale = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        var fresh = await TestApi.GetGpuNodeAsync(_client, "gpu-1");
        Assert.Equal(StatusWriteOutcome.Written, await _writer.WriteAsync(fresh, Desired(GpuNodePhases.Pending), CancellationToken.None));

        var outcome = await _writer.WriteAsync(stale, Desired(GpuNodePhases.Unsupported), CancellationToken.None);

        Assert.Equal(StatusWriteOutcome.Conflict, outcome);
        Assert.Equal(GpuNodePhases.Pending, (await TestApi.GetGpuNodeAsync(_client, "gpu-1")).Status?.Phase);
    }

    [Fact]
    public async Task WriteAsync_ServerAnswers409_Conflict()
    {
        var gpuNode = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        _server.InjectFailure(new FailureRule { Verb = "patch", Resource = "gpunodes", Subresource = "status", StatusCode = 409 });

        Assert.Equal(StatusWriteOutcome.Conflict, await _writer.WriteAsync(gpuNode, Desired(GpuNodePhases.Ready), CancellationToken.None));
        Assert.Null((await TestApi.GetGpuNodeAsync(_client, "gpu-1")).Status?.Phase);
    }

    [Fact]
    public async Task WriteAsync_ObjectGone_NotFound()
    {
        var gpuNode = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        await _client.CustomObjects.DeleteClusterCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "gpunodes", "gpu-1");

        Assert.Equal(StatusWriteOutcome.NotFound, await _writer.WriteAsync(gpuNode, Desired(GpuNodePhases.Ready), CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }
}
