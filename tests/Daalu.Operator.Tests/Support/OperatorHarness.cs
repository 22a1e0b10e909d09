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
        TestOperatorHost.Build(Server.CreateClient(user), metrics, Routes, Settings, leaderIdentity);

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

    public async Task<GpuNode?> GetGpuNodeAsync(string name)
    {
        try
        {
            return KubernetesJson.Deserialize<GpuNode>(KubernetesJson.Serialize(
                await Client.CustomObjects.GetClusterCustomObjectAsync(Group, Version, "gpunodes", name)));
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task PatchGpuNodeAsync(string name, string mergePatchJson) =>
        await Client.CustomObjects.PatchClusterCustomObjectAsync(new V1Patch(mergePatchJson, V1Patch.PatchType.MergePatch), Group, Version, "gpunodes", name);

    public async Task DeleteGpuNodeAsync(string name) =>
        await Client.CustomObjects.DeleteClusterCustomObjectAsync(Group, Version, "gpunodes", name);

    public async Task<ModelServing> CreateModelServingAsync(ModelServing modelServing) =>
        KubernetesJson.Deserialize<ModelServing>(KubernetesJson.Serialize(
            await Client.CustomObjects.CreateNamespacedCustomObjectAsync(modelServing, Group, Version, modelServing.Metadata.NamespaceProperty, "modelservings")));

    public async Task<ModelServing?> GetModelServingAsync(string ns, string name)
    {
        try
        {
            return KubernetesJson.Deserialize<ModelServing>(KubernetesJson.Serialize(
                await Client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, ns, "modelservings", name)));
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task PatchModelServingAsync(string ns, string name, string mergePatchJson) =>
        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(mergePatchJson, V1Patch.PatchType.MergePatch), Group, Version, ns, "modelservings", name);

    /// <summary>A Node as the kubelet and GPU Feature Discovery would leave it.</summary>
    public async Task CreateNodeAsync(V1Node node)
    {
        var status = node.Status;
        node.Status = null;
        await Client.CoreV1.CreateNodeAsync(node);
        if (status is not null)
        {
            await Client.CoreV1.PatchNodeStatusAsync(new V1Patch(KubernetesJson.Serialize(new { status }), V1Patch.PatchType.MergePatch), node.Metadata.Name);
        }
    }

    public async Task<V1Node> GetNodeAsync(string name) => await Client.CoreV1.ReadNodeAsync(name);

    /// <summary>What the DaemonSet controller and kubelet would do: a Ready device plugin pod on the node.</summary>
    public async Task StartDevicePluginPodAsync(string nodeName)
    {
        var ns = Settings.DevicePluginNamespace;
        var ds = await Client.AppsV1.ReadNamespacedDaemonSetAsync("nvidia-device-plugin", ns);
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"nvidia-device-plugin-{nodeName}",
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string>(ds.Spec.Template.Metadata.Labels),
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "DaemonSet", Name = ds.Metadata.Name, Uid = ds.Metadata.Uid, Controller = true }],
            },
            Spec = new V1PodSpec { NodeName = nodeName, Containers = ds.Spec.Template.Spec.Containers },
        };
        await Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        var status = new { status = new { phase = "Running", conditions = new[] { new { type = "Ready", status = "True" } } } };
        await Client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(KubernetesJson.Serialize(status), V1Patch.PatchType.MergePatch), pod.Metadata.Name, ns);
    }

    /// <summary>What the Deployment controller would report once the vLLM pod passes readiness.</summary>
    public async Task MarkDeploymentReadyAsync(string ns, string name, bool ready = true)
    {
        var deployment = await Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns);
        var status = new { status = new { observedGeneration = deployment.Metadata.Generation, replicas = 1, readyReplicas = ready ? 1 : 0, availableReplicas = ready ? 1 : 0 } };
        await Client.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch(KubernetesJson.Serialize(status), V1Patch.PatchType.MergePatch), name, ns);
    }

    public async Task<V1Deployment?> TryGetDeploymentAsync(string ns, string name)
    {
        try
        {
            return await Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns);
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<V1DaemonSet?> TryGetDaemonSetAsync()
    {
        try
        {
            return await Client.AppsV1.ReadNamespacedDaemonSetAsync("nvidia-device-plugin", Settings.DevicePluginNamespace);
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

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
