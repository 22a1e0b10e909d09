using System.Collections.Concurrent;
using Daalu.Api.V1Alpha1;
using Daalu.KubeApiServer;
using Daalu.Runtime.Controllers;
using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Informers;
using Daalu.Runtime.Queue;
using Daalu.Runtime.Resources;
using Daalu.Runtime.Status;
using k8s;
using k8s.Models;
using Prometheus;

namespace Daalu.Runtime.Tests.Controllers;

public sealed class ControllerIntegrationTests : IAsyncDisposable
{
    private readonly KubeApiServer.KubeApiServer _server = TestApi.Start();
    private readonly k8s.Kubernetes _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private readonly OperatorMetrics _metrics = new(Metrics.NewCustomRegistry());
    private readonly Informer<GpuNode> _gpuNodes;
    private readonly Informer<V1ConfigMap> _configMaps;
    private readonly StatusReconciler _reconciler;
    private readonly Controller _controller;

    public ControllerIntegrationTests()
    {
        _client = _server.CreateClient();
        var informerOptions = new InformerOptions { StallTimeout = TimeSpan.FromSeconds(2), RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(500) };
        _gpuNodes = new Informer<GpuNode>(ListWatches.CustomResource<GpuNode>(_client), informerOptions);
        _configMaps = new Informer<V1ConfigMap>(ListWatches.ConfigMaps(_client, "default"), informerOptions);
        _reconciler = new StatusReconciler(_gpuNodes, new StatusWriter(_client));
        var builder = new ControllerBuilder<GpuNode>(_gpuNodes).Owns(_configMaps);
        builder.Options.Workers = 2;
        builder.Options.ResyncPeriod = null;
        builder.Options.Backoff = new BackoffOptions { BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(1) };
        _controller = builder.Build(_reconciler, metrics: _metrics);
    }

    private void Start()
    {
        _running.Add(_gpuNodes.RunAsync(_stop.Token));
        _running.Add(_configMaps.RunAsync(_stop.Token));
        _running.Add(_controller.RunAsync(_stop.Token));
    }

    private async Task<bool> ReadyAsync(string name) =>
        await TestApi.EventuallyAsync(() => _server.Peek("gpunodes", null, name, ApiGroup.Group)?["status"]?["phase"]?.GetValue<string>() == GpuNodePhases.Ready);

    [Fact]
    public async Task Controller_StatusWriteGets409_RequeuedAndWrittenOnRetry()
    {
        _server.InjectFailure(new FailureRule { Verb = "patch", Resource = "gpunodes", Subresource = "status", StatusCode = 409 });
        Start();

        await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");

        Assert.True(await ReadyAsync("gpu-1"));
        Assert.True(_metrics.ReconcileTotal.WithLabels("GpuNode", "failure").Value >= 1);
        Assert.True(_reconciler.Calls("gpu-1") >= 2);
    }

    [Fact]
    public async Task Controller_ReconcileAgainWithoutChange_WritesNothing()
    {
        Start();
        await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        Assert.True(await ReadyAsync("gpu-1"));
        Assert.True(await TestApi.EventuallyAsync(() => _controller.Queue.Count == 0 && _gpuNodes.Cache.Get(new ObjectKey(null, "gpu-1"))?.Status?.Phase == GpuNodePhases.Ready));
        var calls = _reconciler.Calls("gpu-1");
        _server.ClearRequests();

        _controller.Queue.Add(new ObjectKey(null, "gpu-1"));

        Assert.True(await TestApi.EventuallyAsync(() => _reconciler.Calls("gpu-1") > calls));
        await Task.Delay(200);
        Assert.Equal(0, _server.CountWriteRequests("gpunodes"));
    }

    [Fact]
    public async Task Controller_OwnedChildChanges_OwnerReconciled()
    {
        Start();
        var gpuNode = await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        Assert.True(await ReadyAsync("gpu-1"));
        Assert.True(await TestApi.EventuallyAsync(() => _controller.Queue.Count == 0));
        var calls = _reconciler.Calls("gpu-1");

        var child = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "child", NamespaceProperty = "default" } };
        OwnerReferences.SetControllerReference(child, gpuNode);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(child, "default");

        Assert.True(await TestApi.EventuallyAsync(() => _reconciler.Calls("gpu-1") > calls));
    }

    [Fact]
    public async Task Controller_ObjectCreatedWhileWatchDownAndHistoryExpired_StillReconciled()
    {
        Start();
        await TestApi.CreateGpuNodeAsync(_client, "gpu-1", "node-1");
        Assert.True(await ReadyAsync("gpu-1"));

        _server.StallWatches("gpunodes", includeNewWatches: true);
        await TestApi.CreateGpuNodeAsync(_client, "gpu-2", "node-2");
        _server.CompactHistory();
        _server.ResumeNewWatches();
        _server.DropWatches("gpunodes");

        Assert.True(await ReadyAsync("gpu-2"));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running).WaitAsync(TimeSpan.FromSeconds(10));
        _controller.Queue.Dispose();
        _stop.Dispose();
        _client.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>A minimal level-triggered reconciler: read from the cache, write status Ready, requeue on conflict.</summary>
    private sealed class StatusReconciler(IInformer<GpuNode> gpuNodes, IStatusWriter writer) : IReconciler
    {
        private readonly ConcurrentDictionary<string, int> _calls = new();

        public int Calls(string name) => _calls.GetValueOrDefault(name);

        public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            _calls.AddOrUpdate(key.Name, 1, (_, n) => n + 1);
            var gpuNode = gpuNodes.Cache.Get(key);
            if (gpuNode is null)
            {
                return ReconcileResult.Success();
            }

            var desired = new GpuNodeStatus { ObservedGeneration = gpuNode.Metadata.Generation ?? 0, Phase = GpuNodePhases.Ready };
            return await writer.WriteAsync(gpuNode, desired, cancellationToken) == StatusWriteOutcome.Conflict
                ? ReconcileResult.Failure("status conflict")
                : ReconcileResult.Success();
        }
    }
}
