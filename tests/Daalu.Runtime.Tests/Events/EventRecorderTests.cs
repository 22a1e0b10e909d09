using Daalu.Runtime.Events;
using k8s;

namespace Daalu.Runtime.Tests.Events;

public sealed class EventRecorderTests : IAsyncDisposable
{
    private readonly KubeApiServer.KubeApiServer _server = TestApi.Start();
    private readonly k8s.Kubernetes _client;

    public EventRecorderTests() => _client = _server.CreateClient();

    [Fact]
    public async Task RecordAsync_SameEventTwice_OneEventWithCountTwo()
    {
        var gpuNode = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        var recorder = new EventRecorder(_client, "daalu-operator");

        await recorder.RecordAsync(gpuNode, EventTypes.Warning, "NodeNotFound", "node node-1 does not exist", CancellationToken.None);
        await recorder.RecordAsync(gpuNode, EventTypes.Warning, "NodeNotFound", "node node-1 does not exist", CancellationToken.None);
        await recorder.RecordAsync(gpuNode, EventTypes.Normal, "Labeled", "labeled node-1", CancellationToken.None);

        var events = (await _client.CoreV1.ListNamespacedEventAsync("default")).Items;
        Assert.Equal(2, events.Count);
        var repeated = Assert.Single(events, e => e.Reason == "NodeNotFound");
        Assert.Equal(2, repeated.Count);
        Assert.Equal(("GpuNode", "gpu-1", gpuNode.Metadata.Uid), (repeated.InvolvedObject.Kind, repeated.InvolvedObject.Name, repeated.InvolvedObject.Uid));
    }

    [Fact]
    public async Task RecordAsync_AfterRestart_ContinuesTheCount()
    {
        var gpuNode = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        await new EventRecorder(_client, "daalu-operator").RecordAsync(gpuNode, EventTypes.Normal, "Ready", "ok", CancellationToken.None);

        await new EventRecorder(_client, "daalu-operator").RecordAsync(gpuNode, EventTypes.Normal, "Ready", "ok", CancellationToken.None);

        Assert.Equal(2, Assert.Single((await _client.CoreV1.ListNamespacedEventAsync("default")).Items).Count);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }
}
