using System.Text.Json;
using Daalu.Api.V1Alpha1;
using Daalu.Contracts.RouterConfig;
using Daalu.Operator.Controllers;
using Daalu.Operator.Detection;
using Daalu.Operator.Hosting;
using Daalu.Operator.Routing;
using Daalu.Operator.Tests.Support;
using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Routing;

/// <summary>
/// The operator with all its controllers (GpuNode, ModelServing, RoutingPolicy and, when wired, TenantQuota) on the
/// real runtime, against the in-process Kubernetes API test server over real HTTP, with the router namespace
/// daalu-system created.
/// </summary>
internal sealed class RoutingHarness : IAsyncDisposable
{
    public const string Ns = "daalu-system";
    private const string Group = ApiGroup.Group;
    private const string Version = ApiGroup.Version;

    private IHost? _host;

    private RoutingHarness(KubeApiServer.KubeApiServer server, RoutingSettings routing)
    {
        Server = server;
        Client = server.CreateClient("test");
        Routing = routing;
    }

    public KubeApiServer.KubeApiServer Server { get; }

    public Kubernetes Client { get; }

    public RoutingSettings Routing { get; }

    public RedirectingHandler Routes { get; } = new();

    public OperatorMetrics Metrics { get; } = new(Prometheus.Metrics.NewCustomRegistry());

    public OperatorSettings Settings { get; } = new()
    {
        DevicePluginNamespace = "daalu-device-plugin",
        DetectionInterval = TimeSpan.FromMilliseconds(300),
        RetryInterval = TimeSpan.FromMilliseconds(300),
        ResyncPeriod = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>Extra registrations before the operator's own (e.g. the TenantQuota controller).</summary>
    public Action<OperatorBuilder>? Extra { get; set; }

    /// <summary>
    /// Starts the API server and (unless told not to) the operator. Without <paramref name="routerUrl"/> the router is
    /// "not reachable": a closed port on 127.0.0.1.
    /// </summary>
    public static async Task<RoutingHarness> StartAsync(string? routerUrl = null, bool startOperator = true, Action<RoutingHarness>? configure = null)
    {
        var routing = new RoutingSettings
        {
            RouterNamespace = Ns,
            RouterUrl = routerUrl ?? "http://127.0.0.1:9",
            RetryInterval = TimeSpan.FromMilliseconds(300),
            UsageRefreshInterval = TimeSpan.FromMilliseconds(500),
        };
        var h = new RoutingHarness(KubeApiServer.KubeApiServer.FromCrdDirectory(Paths.Crds), routing);
        await h.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        configure?.Invoke(h);
        if (startOperator)
        {
            await h.StartOperatorAsync();
        }

        return h;
    }

    public async Task StartOperatorAsync()
    {
        _host = TestOperatorHost.Build(Server.CreateClientConfiguration("operator"), Metrics, Routes, Settings, extra: op =>
        {
            op.AddDaaluRouting(Routing);
            Extra?.Invoke(op);
        });
        await _host.StartAsync();
    }

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

    public async Task CreateSecretAsync(string name, params (string Key, string Value)[] data) =>
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
            StringData = data.ToDictionary(d => d.Key, d => d.Value),
        }, Ns);

    public async Task CreateAsync<T>(T resource, string plural)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        if (string.IsNullOrEmpty(resource.Metadata.NamespaceProperty))
        {
            await Client.CustomObjects.CreateClusterCustomObjectAsync(resource, Group, Version, plural);
        }
        else
        {
            await Client.CustomObjects.CreateNamespacedCustomObjectAsync(resource, Group, Version, resource.Metadata.NamespaceProperty, plural);
        }
    }

    public async Task<T?> GetAsync<T>(string plural, string name, string? ns = Ns)
        where T : class
    {
        try
        {
            var raw = ns is null
                ? await Client.CustomObjects.GetClusterCustomObjectAsync(Group, Version, plural, name)
                : await Client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, ns, plural, name);
            return KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(raw));
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task PatchAsync(string plural, string name, string mergePatchJson, string? ns = Ns)
    {
        var patch = new V1Patch(mergePatchJson, V1Patch.PatchType.MergePatch);
        if (ns is null)
        {
            await Client.CustomObjects.PatchClusterCustomObjectAsync(patch, Group, Version, plural, name);
        }
        else
        {
            await Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Group, Version, ns, plural, name);
        }
    }

    public async Task DeleteAsync(string plural, string name, string? ns = Ns)
    {
        if (ns is null)
        {
            await Client.CustomObjects.DeleteClusterCustomObjectAsync(Group, Version, plural, name);
        }
        else
        {
            await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, ns, plural, name);
        }
    }

    public Task<RoutingPolicy?> GetPolicyAsync(string name) => GetAsync<RoutingPolicy>("routingpolicies", name);

    public Task<RoutingPolicy> WaitPolicyAsync(string name, Func<RoutingPolicy, bool> until, string what, int timeoutMs = 20000) =>
        OperatorHarness.EventuallyAsync(() => GetPolicyAsync(name), until, what, timeoutMs);

    public Task<V1ConfigMap?> TryGetConfigMapAsync() =>
        ClusterStandIns.TryReadAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync(Routing.ConfigMapName, Ns));

    /// <summary>The configuration in the ConfigMap, read as the router reads it.</summary>
    public async Task<RouterConfiguration?> RouterConfigAsync() =>
        await TryGetConfigMapAsync() is { } cm && cm.Data?.TryGetValue(Routing.ConfigKey, out var text) == true
            ? JsonSerializer.Deserialize(text, RouterConfigJsonContext.Default.RouterConfiguration)
            : null;

    public Task<RouterConfiguration> WaitConfigAsync(Func<RouterConfiguration, bool> until, string what, int timeoutMs = 20000) =>
        OperatorHarness.EventuallyAsync(RouterConfigAsync, until, what, timeoutMs);

    /// <summary>
    /// A Node with GPU Feature Discovery labels and its GpuNode, brought to Ready as the GpuNode controller does once
    /// the device plugin pod runs (the test plays the DaemonSet controller and kubelet).
    /// </summary>
    public async Task CreateReadyGpuNodeAsync(string name, string nodeName, string tenant, bool sharing = false)
    {
        await CreateGpuHostNodeAsync(nodeName);
        await CreateAsync(Fixtures.GpuNode(name, nodeName, tenant, s => s.Sharing = new GpuSharing { Enabled = sharing, RevenueSharePercent = 70 }), "gpunodes");
        await StartDevicePluginPodAsync(nodeName);
        await OperatorHarness.EventuallyAsync(() => GetAsync<GpuNode>("gpunodes", name, null), g => g.Status?.Phase == GpuNodePhases.Ready, $"GpuNode {name} Ready");
    }

    /// <summary>A Node as the kubelet and GPU Feature Discovery leave it.</summary>
    public async Task CreateGpuHostNodeAsync(string nodeName, string product = "NVIDIA-RTX-2000-Ada-Generation", string memory = "16380")
    {
        await ClusterStandIns.CreateNodeAsync(Client, Fixtures.Node(nodeName, product, memory));
    }

    /// <summary>What the DaemonSet controller and kubelet do once a GpuNode exists: a Ready device plugin pod on its node.</summary>
    public async Task StartDevicePluginPodAsync(string nodeName)
    {
        var ds = await OperatorHarness.EventuallyAsync(() => ClusterStandIns.TryReadAsync(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("nvidia-device-plugin", Settings.DevicePluginNamespace)), _ => true, "device plugin DaemonSet");
        await ClusterStandIns.StartDaemonPodAsync(Client, ds, nodeName);
    }

    /// <summary>What the Deployment controller reports once the pod passes readiness.</summary>
    public Task MarkDeploymentReadyAsync(string name) => ClusterStandIns.MarkDeploymentReadyAsync(Client, Ns, name);

    /// <summary>What the kubelet does with a mounted ConfigMap and projected Secrets: write them as files under <paramref name="root"/>.</summary>
    public async Task<string> MaterializeAsync(string root)
    {
        var configDir = Path.Combine(root, "router");
        Directory.CreateDirectory(configDir);
        // The reconciler writes the ConfigMap before the workload, so a ConfigMap that names a new tenant's key file
        // can be read before the Deployment (or StatefulSet) mounts that Secret. A kubelet runs the pod of the workload
        // that mounts it (the old pod keeps its last good configuration, the router refuses one naming a missing file):
        // wait for a pod template that mounts every Secret file the configuration names, as the rolled pod would see it.
        var (cm, template) = await OperatorHarness.EventuallyAsync(
            async () => (ConfigMap: await Client.CoreV1.ReadNamespacedConfigMapAsync(Routing.ConfigMapName, Ns), Template: await RouterPodTemplateAsync()),
            x => x.Template is not null && MountsEveryNamedSecretFile(x.ConfigMap.Data[Routing.ConfigKey], x.Template),
            "router workload mounting every Secret file the ConfigMap names");
        foreach (var source in template!.Spec.Volumes.SingleOrDefault(v => v.Name == "keys")?.Projected.Sources ?? [])
        {
            var secret = await ClusterStandIns.TryReadAsync(() => Client.CoreV1.ReadNamespacedSecretAsync(source.Secret.Name, Ns));
            foreach (var item in source.Secret.Items)
            {
                if (secret?.Data?.TryGetValue(item.Key, out var bytes) == true)
                {
                    var file = Path.Combine(root, "keys", item.Path);
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    await File.WriteAllBytesAsync(file, bytes);
                }
            }
        }

        // Atomic swap, as the kubelet's symlink flip: the router never reads a half-written file.
        var path = Path.Combine(configDir, Routing.ConfigKey);
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, cm.Data[Routing.ConfigKey]);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>
    /// The router's pod template: the Deployment's (SQLite ledger) or, with the PostgreSQL ledger, the StatefulSet's;
    /// null while neither exists.
    /// </summary>
    public async Task<V1PodTemplateSpec?> RouterPodTemplateAsync() =>
        (await ClusterStandIns.TryReadAsync(() => Client.AppsV1.ReadNamespacedDeploymentAsync(Routing.RouterName, Ns)))?.Spec.Template
        ?? (await ClusterStandIns.TryReadAsync(() => Client.AppsV1.ReadNamespacedStatefulSetAsync(Routing.RouterName, Ns)))?.Spec.Template;

    private bool MountsEveryNamedSecretFile(string config, V1PodTemplateSpec template)
    {
        var mounted = (template.Spec.Volumes.SingleOrDefault(v => v.Name == "keys")?.Projected.Sources ?? [])
            .SelectMany(s => s.Secret.Items.Select(i => i.Path))
            .ToHashSet(StringComparer.Ordinal);
        var prefix = Routing.KeysDirectory.TrimEnd('/') + "/";
        var named = System.Text.RegularExpressions.Regex.Matches(config, System.Text.RegularExpressions.Regex.Escape(prefix) + "([^\"]+)")
            .Select(m => m.Groups[1].Value);
        return named.All(mounted.Contains);
    }

    public async ValueTask DisposeAsync()
    {
        await StopOperatorAsync();
        Client.Dispose();
        await Server.DisposeAsync();
        Routes.Dispose();
    }
}
