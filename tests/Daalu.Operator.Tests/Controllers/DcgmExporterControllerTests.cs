using Daalu.Api.V1Alpha1;
using Daalu.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Controllers;

// spec.dcgmExporter.deploy: the operator runs NVIDIA's dcgm-exporter (one shared DaemonSet and Service, one fixed key)
// on the GPU nodes whose GpuNode asks for it, and resolves each node's exporter URL into the GpuNode's status.
public sealed class DcgmExporterControllerTests
{
    private static V1Node NodeAt(string name, string internalIp, string? product = "NVIDIA-RTX-2000-Ada-Generation")
    {
        var node = Fixtures.Node(name, product);
        node.Status.Addresses = [new V1NodeAddress { Type = "InternalIP", Address = internalIp }, new V1NodeAddress { Type = "Hostname", Address = name }];
        return node;
    }

    private static Task<V1DaemonSet?> TryGetDaemonSetAsync(OperatorHarness h) =>
        ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedDaemonSetAsync("dcgm-exporter", h.Settings.DevicePluginNamespace));

    private static Task<V1Service?> TryGetServiceAsync(OperatorHarness h) =>
        ClusterStandIns.TryReadAsync(() => h.Client.CoreV1.ReadNamespacedServiceAsync("dcgm-exporter", h.Settings.DevicePluginNamespace));

    private static string? Label(V1Node node) =>
        node.Metadata.Labels?.TryGetValue("ai.daalu.io/dcgm-exporter", out var value) == true ? value : null;

    [Fact]
    public async Task Deploy_OnlyAskingGpuNodesLabelled_DaemonSetServiceAndStatusUrl()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(NodeAt("node-a", "10.0.0.5"));
        await h.CreateNodeAsync(NodeAt("node-b", "10.0.0.6"));
        await h.CreateNodeAsync(NodeAt("node-cpu", "10.0.0.9", product: null));
        await h.CreateNodeAsync(NodeAt("node-plain", "10.0.0.10"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-a", "node-a", configure: s => s.DcgmExporter = new DcgmExporterSpec { Deploy = true }));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-b", "node-b"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-cpu", "node-cpu", configure: s => s.DcgmExporter = new DcgmExporterSpec { Deploy = true }));

        var ds = await OperatorHarness.EventuallyAsync(() => TryGetDaemonSetAsync(h), _ => true, "dcgm-exporter DaemonSet");
        var service = await OperatorHarness.EventuallyAsync(() => TryGetServiceAsync(h), _ => true, "dcgm-exporter Service");
        var gpuA = await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-a"), g => g.Status?.DcgmExporterUrl is not null, "gpu-a exporter URL");
        await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-b"), g => g.Status?.Phase is not null, "gpu-b reconciled");
        await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-cpu"), g => g.Status?.Phase is not null, "gpu-cpu reconciled");

        Assert.Equal("http://10.0.0.5:9400/metrics", gpuA.Status!.DcgmExporterUrl);
        Assert.Null((await h.GetGpuNodeAsync("gpu-b"))!.Status!.DcgmExporterUrl);
        Assert.Equal("nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless", Assert.Single(ds.Spec.Template.Spec.Containers).Image);
        Assert.Equal(9400, Assert.Single(service.Spec.Ports).Port);
        Assert.Equal("daalu-operator", ds.Metadata.Labels["app.kubernetes.io/managed-by"]);

        // The DaemonSet's affinity needs the class label and the exporter label together: only node-a has both.
        Assert.Equal("enabled", Label(await h.GetNodeAsync("node-a")));
        Assert.Null(Label(await h.GetNodeAsync("node-b")));      // a GPU node whose GpuNode does not ask
        Assert.Null(Label(await h.GetNodeAsync("node-cpu")));    // asks, but no supported card
        Assert.Null(Label(await h.GetNodeAsync("node-plain")));  // no GpuNode at all
        Assert.False((await h.GetNodeAsync("node-cpu")).Metadata.Labels.ContainsKey("ai.daalu.io/gpu-class"));
    }

    [Fact]
    public async Task Disabled_DaemonSetAndServiceDeleted_LabelAndUrlRemoved()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(NodeAt("node-a", "10.0.0.5"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-a", "node-a", configure: s => s.DcgmExporter = new DcgmExporterSpec { Deploy = true }));
        await OperatorHarness.EventuallyAsync(() => TryGetDaemonSetAsync(h), _ => true, "dcgm-exporter DaemonSet");
        await OperatorHarness.EventuallyAsync(() => TryGetServiceAsync(h), _ => true, "dcgm-exporter Service");

        await h.PatchGpuNodeAsync("gpu-a", """{"spec":{"dcgmExporter":null}}""");

        await OperatorHarness.EventuallyAsync(async () => await TryGetDaemonSetAsync(h) is null, "dcgm-exporter DaemonSet deleted");
        await OperatorHarness.EventuallyAsync(async () => await TryGetServiceAsync(h) is null, "dcgm-exporter Service deleted");
        await OperatorHarness.EventuallyAsync(async () => Label(await h.GetNodeAsync("node-a")) is null, "exporter label removed");
        await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-a"), g => g.Status?.DcgmExporterUrl is null, "status URL cleared");
        // The device plugin is another controller's DaemonSet and stays.
        Assert.NotNull(await h.TryGetDaemonSetAsync());
    }

    [Fact]
    public async Task ExplicitUrl_NoDaemonSet_StatusCarriesTheUrl()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(NodeAt("node-a", "10.0.0.5"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-a", "node-a", configure: s => s.DcgmExporter = new DcgmExporterSpec { Url = "http://gpu-operator-exporter:9400/metrics" }));

        var gpuA = await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-a"), g => g.Status?.DcgmExporterUrl is not null, "gpu-a exporter URL");
        await OperatorHarness.EventuallyAsync(async () => await h.TryGetDaemonSetAsync() is not null, "device plugin DaemonSet (the controllers ran)");

        Assert.Equal("http://gpu-operator-exporter:9400/metrics", gpuA.Status!.DcgmExporterUrl);
        Assert.Null(await TryGetDaemonSetAsync(h));
        Assert.Null(Label(await h.GetNodeAsync("node-a")));
    }
}
