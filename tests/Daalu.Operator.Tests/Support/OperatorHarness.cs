using Daalu.Api.V1Alpha1;
using Daalu.Operator.Controllers;
using Daalu.Operator.Detection;
using Daalu.Operator.Hosting;
using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Hosting;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Daalu.Operator.Tests.Support;

/// <summary>
/// The operator as it runs in production (the runtime's host, informers, queues, status writer, finalizers, events,
/// plus both controllers) against the in-process Kubernetes API test server over real HTTP.
/// </summary>
internal sealed class OperatorHarness : IAsyncDisposable
{
    public const string Group = ApiGroup.Group;
    public const string Version = ApiGroup.Version;

    private IHost? _host;

    private OperatorHarness(KubeApiServer.KubeApiServer server)
    {
        Server = server;
        Client = server.CreateClient("test");
    }

    public KubeApiServer.KubeApiServer Server { get; }

    /// <summary>The test's own client (requests show up as user "test"; the operator's as "operator").</summary>
    public Kubernetes Client { get; }

    public RedirectingHandler Routes { get; } = new();

    public OperatorSettings Settings { get; } = new()
    {
        DevicePluginNamespace = "daalu-device-plugin",
        DetectionInterval = TimeSpan.FromMilliseconds(300),
        RetryInterval = TimeSpan.FromMilliseconds(300),
        ResyncPeriod = TimeSpan.FromMilliseconds(250),
        WeightsInspectionPollInterval = TimeSpan.FromMilliseconds(100),
        WeightsInspectionRetry = TimeSpan.FromHours(1),
    };

    public OperatorMetrics Metrics { get; } = new(Prometheus.Metrics.NewCustomRegistry());

    public static async Task<OperatorHarness> StartAsync(bool startOperator = true)
    {
        var harness = new OperatorHarness(KubeApiServer.KubeApiServer.FromCrdDirectory(Paths.Crds));
        await harness.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } });
        if (startOperator)
        {
            await harness.StartOperatorAsync();
        }

        return harness;
    }

    /// <summary>An operator with Node "node-a" and GpuNode "gpu-1" on it, Ready (its device plugin pod running).</summary>
    public static async Task<OperatorHarness> StartWithReadyGpuNodeAsync()
    {
        var h = await StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a"));
        await EventuallyAsync(async () => await h.TryGetDaemonSetAsync() is not null, "device plugin DaemonSet");
        await h.StartDevicePluginPodAsync("node-a");
        await EventuallyAsync(() => h.GetGpuNodeAsync("gpu-1"), g => g.Status?.Phase == GpuNodePhases.Ready, "GpuNode Ready");
        return h;
    }

    public async Task StartOperatorAsync()
    {
        _host = BuildOperator("operator", Metrics, leaderIdentity: null);
        await _host.StartAsync();
    }

    /// <summary>
    /// Another operator replica with leader election on a Lease in "default" (short timings); its API requests are
    /// made as <paramref name="user"/>. The caller starts, stops and disposes it.
    /// </summary>
    public IHost BuildReplica(string user) =>
        BuildOperator(user, new OperatorMetrics(Prometheus.Metrics.NewCustomRegistry()), leaderIdentity: user);

    private IHost BuildOperator(string user, OperatorMetrics metrics, string? leaderIdentity) =>
        TestOperatorHost.Build(Server.CreateClientConfiguration(user), metrics, Routes, Settings, leaderIdentity);

    public async Task StopOperatorAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
            _host = null;
        }
    }

    public double Reconciles(string kind) =>
        new[] { "success", "requeue_after", "failure", "terminal", "error" }.Sum(r => Metrics.ReconcileTotal.WithLabels(kind, r).Value);

    public async Task<GpuNode> CreateGpuNodeAsync(GpuNode gpuNode) =>
        KubernetesJson.Deserialize<GpuNode>(KubernetesJson.Serialize(
            await Client.CustomObjects.CreateClusterCustomObjectAsync(gpuNode, Group, Version, "gpunodes")));

    public async Task<GpuNode?> GetGpuNodeAsync(string name) =>
        await ClusterStandIns.TryReadAsync(() => Client.CustomObjects.GetClusterCustomObjectAsync(Group, Version, "gpunodes", name))
            is { } raw ? KubernetesJson.Deserialize<GpuNode>(KubernetesJson.Serialize(raw)) : null;

    public async Task PatchGpuNodeAsync(string name, string mergePatchJson) =>
        await Client.CustomObjects.PatchClusterCustomObjectAsync(new V1Patch(mergePatchJson, V1Patch.PatchType.MergePatch), Group, Version, "gpunodes", name);

    public async Task DeleteGpuNodeAsync(string name) =>
        await Client.CustomObjects.DeleteClusterCustomObjectAsync(Group, Version, "gpunodes", name);

    public async Task<ModelServing> CreateModelServingAsync(ModelServing modelServing) =>
        KubernetesJson.Deserialize<ModelServing>(KubernetesJson.Serialize(
            await Client.CustomObjects.CreateNamespacedCustomObjectAsync(modelServing, Group, Version, modelServing.Metadata.NamespaceProperty, "modelservings")));

    public async Task<ModelServing?> GetModelServingAsync(string ns, string name) =>
        await ClusterStandIns.TryReadAsync(() => Client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, ns, "modelservings", name))
            is { } raw ? KubernetesJson.Deserialize<ModelServing>(KubernetesJson.Serialize(raw)) : null;

    public async Task PatchModelServingAsync(string ns, string name, string mergePatchJson) =>
        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(mergePatchJson, V1Patch.PatchType.MergePatch), Group, Version, ns, "modelservings", name);

    /// <summary>A Node as the kubelet and GPU Feature Discovery would leave it.</summary>
    public Task CreateNodeAsync(V1Node node) => ClusterStandIns.CreateNodeAsync(Client, node);

    public async Task<V1Node> GetNodeAsync(string name) => await Client.CoreV1.ReadNodeAsync(name);

    /// <summary>What the DaemonSet controller and kubelet would do: a Ready device plugin pod on the node.</summary>
    public async Task StartDevicePluginPodAsync(string nodeName) =>
        await ClusterStandIns.StartDaemonPodAsync(Client, await Client.AppsV1.ReadNamespacedDaemonSetAsync("nvidia-device-plugin", Settings.DevicePluginNamespace), nodeName);

    /// <summary>What the Deployment controller would report once the vLLM pod passes readiness.</summary>
    public Task MarkDeploymentReadyAsync(string ns, string name, bool ready = true) => ClusterStandIns.MarkDeploymentReadyAsync(Client, ns, name, ready);

    public Task<V1Deployment?> TryGetDeploymentAsync(string ns, string name) =>
        ClusterStandIns.TryReadAsync(() => Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns));

    public Task<V1DaemonSet?> TryGetDaemonSetAsync() =>
        ClusterStandIns.TryReadAsync(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("nvidia-device-plugin", Settings.DevicePluginNamespace));

    /// <summary>Writes by the operator (not by the test) since <see cref="KubeApiServer.KubeApiServer.ClearRequests"/>.</summary>
    public int OperatorWrites(string user = "operator") => Server.Requests.Count(r => r.IsWrite && r.User == user);

    /// <summary>The operator's writes, for failure messages.</summary>
    public string DescribeWrites(string user = "operator") =>
        string.Join("; ", Server.Requests.Where(r => r.IsWrite && r.User == user).Select(r => $"{r.Verb} {r.Path} -> {r.StatusCode}"));

    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, Func<T, bool> until, string what, int timeoutMs = 15000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        T? last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await probe();
            if (last is not null && until(last))
            {
                return last;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"timed out waiting for {what}; last seen: {(last is null ? "null" : KubernetesJson.Serialize(last))}");
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutMs = 15000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"timed out waiting for {what}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopOperatorAsync();
        Client.Dispose();
        await Server.DisposeAsync();
        Routes.Dispose();
    }
}
