using System.Text;
using Daalu.Api.V1Alpha1;
using Daalu.Operator.Controllers;
using Daalu.Operator.Hosting;
using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Hosting;
using k8s;
using static Daalu.EndToEnd.Tests.K3sSupport;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Testcontainers.K3s;

namespace Daalu.EndToEnd.Tests;

/// <summary>
/// End to end on a real Kubernetes (k3s in Docker): install crds/, run the operator (in this process, against the
/// cluster's API), apply config/samples, and check children and status. Runs wherever a Docker engine answers; skipped
/// with a one-line reason elsewhere. There is no GPU in the cluster, so the node is given GPU Feature Discovery labels
/// and an advertised nvidia.com/gpu by hand (as GFD and the device plugin would) and vLLM pods stay unscheduled or
/// pulling: the test checks what the operator controls, not vLLM itself.
/// </summary>
public sealed class K3sOperatorTests
{
    private const string Group = ApiGroup.Group;
    private const string Version = ApiGroup.Version;

    [SkippableFact]
    public async Task Operator_OnK3s_AppliesSamplesAndReconcilesChildrenAndStatus()
    {
        Skip.If(DockerEngine.WhyUnavailable is not null, DockerEngine.WhyUnavailable);

        await using var k3s = new K3sBuilder("rancher/k3s:v1.31.5-k3s1").Build();
        await k3s.StartAsync();
        var kubeconfig = await k3s.GetKubeconfigAsync();
        using var kubeconfigStream = new MemoryStream(Encoding.UTF8.GetBytes(kubeconfig));
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigStream);
        using var client = new Kubernetes(config);

        await InstallCrdsAsync(client);
        foreach (var ns in new[] { "daalu-system", "daalu-device-plugin" })
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }

        // The cluster's one node plays the GPU node: GFD labels plus an advertised GPU (extended resource on status).
        var node = (await client.CoreV1.ListNodeAsync()).Items.First();
        var nodeName = node.Metadata.Name;
        await client.CoreV1.PatchNodeAsync(new V1Patch("""{"metadata":{"labels":{"nvidia.com/gpu.product":"NVIDIA-RTX-2000-Ada-Generation","nvidia.com/gpu.memory":"16380","nvidia.com/gpu.count":"1"}}}""", V1Patch.PatchType.MergePatch), nodeName);
        await client.CoreV1.PatchNodeStatusAsync(new V1Patch("""{"status":{"capacity":{"nvidia.com/gpu":"1"},"allocatable":{"nvidia.com/gpu":"1"}}}""", V1Patch.PatchType.MergePatch), nodeName);

        // The samples as shipped, with the GpuNode pointed at this cluster's node (the sample names gpu-worker-1) and
        // the device plugin left to "someone else" because the fake GPU cannot run it.
        var gpuNode = KubernetesYaml.Deserialize<GpuNode>(await File.ReadAllTextAsync(Sample("ai.daalu.io_v1alpha1_gpunode_rtx2000-team-a.yaml")));
        gpuNode.Spec.NodeName = nodeName;
        gpuNode.Spec.DevicePlugin.Enabled = false;
        gpuNode.Spec.DcgmExporter = null; // nor NVIDIA's dcgm-exporter, which the sample deploys for the console
        await client.CustomObjects.CreateClusterCustomObjectAsync(gpuNode, Group, Version, "gpunodes");
        var secret = KubernetesYaml.Deserialize<V1Secret>(await File.ReadAllTextAsync(Sample("v1_secret_hf-token.yaml")));
        await client.CoreV1.CreateNamespacedSecretAsync(secret, secret.Metadata.NamespaceProperty);
        var serving = KubernetesYaml.Deserialize<ModelServing>(await File.ReadAllTextAsync(Sample("ai.daalu.io_v1alpha1_modelserving_team-a-general.yaml")));
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(serving, Group, Version, serving.Metadata.NamespaceProperty, "modelservings");

        using var host = StartOperator(config);
        await host.StartAsync();
        try
        {
            var ready = await EventuallyAsync(async () => KubernetesJson.Deserialize<GpuNode>(KubernetesJson.Serialize(
                await client.CustomObjects.GetClusterCustomObjectAsync(Group, Version, "gpunodes", gpuNode.Metadata.Name))),
                g => g.Status?.Phase == GpuNodePhases.Ready);
            Assert.Equal(GpuClasses.Rtx2000Ada, ready.Status!.GpuClass);
            var labels = (await client.CoreV1.ReadNodeAsync(nodeName)).Metadata.Labels;
            Assert.Equal("rtx-2000-ada", labels["ai.daalu.io/gpu-class"]);
            Assert.Equal("team-a", labels["ai.daalu.io/tenant"]);

            var deployment = await EventuallyAsync(async () => await TryAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync("ms-team-a-general", "daalu-system")), d => d is not null);
            Assert.Contains("Qwen/Qwen2.5-7B-Instruct-AWQ", deployment!.Spec.Template.Spec.Containers[0].Args);
            Assert.NotNull(await TryAsync(() => client.CoreV1.ReadNamespacedServiceAsync("ms-team-a-general", "daalu-system")));

            var status = await EventuallyAsync(async () => KubernetesJson.Deserialize<ModelServing>(KubernetesJson.Serialize(
                await client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, "daalu-system", "modelservings", serving.Metadata.Name))),
                m => m.Status?.Phase == ModelServingPhases.Deploying);
            Assert.True(status.Status!.Fit!.Fits);
            Assert.Equal("Qwen/Qwen2.5-7B-Instruct-AWQ", status.Status.ResolvedModel);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IHost StartOperator(KubernetesClientConfiguration config)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IKubernetes>(new Kubernetes(config));
        builder.Services.AddSingleton(new OperatorMetrics(Prometheus.Metrics.NewCustomRegistry()));
        builder.Services
            .AddDaaluOperator(o => o.LeaderElection.Enabled = false)
            .AddDaaluControllers(new OperatorSettings { DetectionInterval = TimeSpan.FromSeconds(2), ResyncPeriod = TimeSpan.FromSeconds(5) });
        return builder.Build();
    }

    private static string Sample(string name) => Path.Combine(RepoRoot(), "config", "samples", name);
}
