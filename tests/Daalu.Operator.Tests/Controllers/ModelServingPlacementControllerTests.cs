using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;
using Daalu.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Controllers;

// Placement by ownership, the model cache claim and the operator-upgrade property, with the whole operator against the
// Kubernetes API test server.
public sealed class ModelServingPlacementControllerTests
{
    private static Task<ModelServing> WaitAsync(OperatorHarness h, string name, Func<ModelServing, bool> until, string what) =>
        OperatorHarness.EventuallyAsync(() => h.GetModelServingAsync("team-a", name), until, what);

    private static async Task ReadyGpuNodeAsync(OperatorHarness h, string gpuNode, string node, string tenant, bool sharing = false)
    {
        await h.CreateNodeAsync(Fixtures.Node(node));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode(gpuNode, node, tenant, s => s.Sharing = new GpuSharing { Enabled = sharing }));
        await OperatorHarness.EventuallyAsync(async () => await h.TryGetDaemonSetAsync() is not null, "device plugin DaemonSet");
        await h.StartDevicePluginPodAsync(node);
        await OperatorHarness.EventuallyAsync(() => h.GetGpuNodeAsync(gpuNode), g => g.Status?.Phase == GpuNodePhases.Ready, $"GpuNode {gpuNode} Ready");
    }

    private static ModelServing ClassServing(string name, string? tenant) => Fixtures.ModelServing(name, configure: s =>
    {
        s.GpuNode = null;
        s.GpuClass = GpuClasses.Rtx2000Ada;
        s.Tenant = tenant;
    });

    [Fact]
    public async Task GpuClass_TenantAndHostedPool_EachOnlyWhereOwnershipAllows()
    {
        await using var h = await OperatorHarness.StartAsync();
        await ReadyGpuNodeAsync(h, "gpu-a", "node-a", "team-a");
        await ReadyGpuNodeAsync(h, "gpu-b", "node-b", "team-b");

        await h.CreateModelServingAsync(ClassServing("b-coder", "team-b"));
        await h.CreateModelServingAsync(ClassServing("pool-coder", tenant: null));

        var placed = await WaitAsync(h, "b-coder", m => m.Status?.NodeName is not null, "team-b's ModelServing placed");
        Assert.Equal("node-b", placed.Status!.NodeName);
        var deployment = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-b-coder"), d => true, "Deployment");
        Assert.Equal("node-b", deployment.Spec.Template.Spec.NodeSelector["kubernetes.io/hostname"]);

        // Neither card is operator-run or shared: the hosted pool may not take one.
        var refused = await WaitAsync(h, "pool-coder", m => m.Status?.Conditions.Any(c => c.Reason == "NoEligibleGpuNode") == true, "NoEligibleGpuNode");
        Assert.Equal(ModelServingPhases.Pending, refused.Status!.Phase);
        Assert.Contains("gpu-a (tenant 'team-a', not shared)", refused.Status.Conditions.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        Assert.Null(await h.TryGetDeploymentAsync("team-a", "ms-pool-coder"));

        // team-a shares its card: the hosted-pool model may now run there.
        await h.PatchGpuNodeAsync("gpu-a", """{"spec":{"sharing":{"enabled":true}}}""");

        var pooled = await WaitAsync(h, "pool-coder", m => m.Status?.NodeName == "node-a", "hosted pool on the shared card");
        Assert.Equal(GpuClasses.Rtx2000Ada, pooled.Status!.GpuClass);
    }

    [Fact]
    public async Task GpuNode_OfAnotherTenantNotShared_GpuNodeNotEligible_NoDeployment()
    {
        await using var h = await OperatorHarness.StartAsync();
        await ReadyGpuNodeAsync(h, "gpu-1", "node-a", "team-a");

        await h.CreateModelServingAsync(Fixtures.ModelServing("intruder", configure: s => s.Tenant = "team-b"));

        var refused = await WaitAsync(h, "intruder", m => m.Status?.Conditions.Any(c => c.Reason == "GpuNodeNotEligible") == true, "GpuNodeNotEligible");
        Assert.StartsWith("GpuNode 'gpu-1' belongs to tenant 'team-a' and does not share it",
            refused.Status!.Conditions.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        Assert.Null(await h.TryGetDeploymentAsync("team-a", "ms-intruder"));
    }

    [Fact]
    public async Task HuggingFaceWeights_CacheClaimMadeOwnedAndMounted_CollectedWithTheModelServing()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();

        await h.CreateModelServingAsync(Fixtures.ModelServing("coder"));

        var claim = await OperatorHarness.EventuallyAsync(
            () => ClusterStandIns.TryReadAsync(() => h.Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("ms-coder-cache", "team-a")), c => true, "cache claim");
        var owner = await h.GetModelServingAsync("team-a", "coder");
        Assert.Equal(owner!.Metadata.Uid, Assert.Single(claim.Metadata.OwnerReferences).Uid);
        Assert.Equal("50Gi", claim.Spec.Resources.Requests["storage"].ToString());
        var deployment = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-coder"), d => true, "Deployment");
        Assert.Equal("ms-coder-cache", deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == "cache").PersistentVolumeClaim.ClaimName);
        Assert.NotNull(deployment.Spec.Template.Spec.Containers[0].Resources.Requests["memory"]);

        await h.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(OperatorHarness.Group, OperatorHarness.Version, "team-a", "modelservings", "coder");

        await OperatorHarness.EventuallyAsync(() => Task.FromResult(h.Server.Peek("persistentvolumeclaims", "team-a", "ms-coder-cache") is null), "claim collected");
    }

    [Fact]
    public async Task OperatorUpgrade_SameSpec_PodTemplateAndGenerationUnchanged()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        await h.CreateModelServingAsync(Fixtures.ModelServing("coder"));
        var before = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-coder"), d => true, "Deployment");
        await h.MarkDeploymentReadyAsync("team-a", "ms-coder");

        await h.StopOperatorAsync();
        h.Settings.OperatorVersion = before.Metadata.Annotations[VllmBuilder.OperatorVersionAnnotation] + "-next";
        await h.StartOperatorAsync();

        var after = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-coder"),
            d => d.Metadata.Annotations[VllmBuilder.OperatorVersionAnnotation] == h.Settings.OperatorVersion, "version annotation rewritten");
        Assert.Equal(KubernetesJson.Serialize(before.Spec.Template), KubernetesJson.Serialize(after.Spec.Template));
        Assert.Equal(before.Metadata.Generation, after.Metadata.Generation); // the Deployment controller sees no new revision
    }
}
