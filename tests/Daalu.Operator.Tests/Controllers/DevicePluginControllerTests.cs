using Daalu.Api.V1Alpha1;
using Daalu.Operator.Tests.Support;
using k8s;

namespace Daalu.Operator.Tests.Controllers;

// The shared device plugin DaemonSet has its own controller on one fixed key: however many GpuNodes change at once,
// one worker writes it.
public sealed class DevicePluginControllerTests
{
    [Fact]
    public async Task ManyGpuNodesAtOnce_OneCreateNoConflicts()
    {
        await using var h = await OperatorHarness.StartAsync(startOperator: false);
        // config/default ships the namespace (without it the first create answers 404 and the namespace is made).
        await h.Client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new k8s.Models.V1ObjectMeta { Name = h.Settings.DevicePluginNamespace } });
        for (var i = 0; i < 12; i++)
        {
            await h.CreateNodeAsync(Fixtures.Node($"node-{i}"));
            await h.CreateGpuNodeAsync(Fixtures.GpuNode($"gpu-{i:00}", $"node-{i}"));
        }

        h.Server.ClearRequests();
        await h.StartOperatorAsync(); // 8 GpuNode workers start on 12 GpuNodes together

        await OperatorHarness.EventuallyAsync(async () => await h.TryGetDaemonSetAsync() is not null, "device plugin DaemonSet");
        await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync("gpu-11"), g => g.Status?.Phase == GpuNodePhases.Pending, "GpuNodes reconciled");
        await Task.Delay(500); // a few resyncs

        var daemonSetWrites = h.Server.Requests.Where(r => r.IsWrite && r.Resource == "daemonsets" && r.User == "operator").ToList();
        Assert.True(daemonSetWrites.Count == 1, string.Join("; ", daemonSetWrites.Select(r => $"{r.Verb} {r.Path} -> {r.StatusCode}")));
        var create = daemonSetWrites[0];
        Assert.Equal(("create", 201), (create.Verb, create.StatusCode));
    }

    [Fact]
    public async Task DeletedByHand_Recreated()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a"));
        var first = await OperatorHarness.EventuallyAsync(h.TryGetDaemonSetAsync, d => true, "device plugin DaemonSet");

        await h.Client.AppsV1.DeleteNamespacedDaemonSetAsync("nvidia-device-plugin", h.Settings.DevicePluginNamespace);

        await OperatorHarness.EventuallyAsync(h.TryGetDaemonSetAsync, d => d.Metadata.Uid != first.Metadata.Uid, "DaemonSet recreated");
    }
}
