using Daalu.Api.V1Alpha1;
using k8s;
using k8s.Models;

namespace Daalu.EndToEnd.Tests;

/// <summary>The k3s suite reads config/samples with KubernetesYaml; this checks (without Docker) that they map onto the API types.</summary>
public sealed class SampleYamlTests
{
    private static string Sample(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
        {
            dir = dir.Parent;
        }

        return File.ReadAllText(Path.Combine(dir!.FullName, "config", "samples", name));
    }

    [Fact]
    public void Samples_UsedByK3sSuite_DeserializeIntoApiTypes()
    {
        var gpuNode = KubernetesYaml.Deserialize<GpuNode>(Sample("ai.daalu.io_v1alpha1_gpunode_rtx2000-team-a.yaml"));
        var general = KubernetesYaml.Deserialize<ModelServing>(Sample("ai.daalu.io_v1alpha1_modelserving_team-a-general.yaml"));
        var secret = KubernetesYaml.Deserialize<V1Secret>(Sample("v1_secret_hf-token.yaml"));

        Assert.Equal("team-a-rtx2000", gpuNode.Metadata.Name);
        Assert.Equal("team-a", gpuNode.Spec.Tenant);
        Assert.True(gpuNode.Spec.DevicePlugin.Enabled);
        Assert.Equal("team-a-rtx2000", general.Spec.GpuNode);
        Assert.Equal("Qwen/Qwen2.5-7B-Instruct-AWQ", general.Spec.Model);
        Assert.Equal(0.9, general.Spec.Engine.GpuMemoryUtilization);
        Assert.Equal("daalu-system", secret.Metadata.NamespaceProperty);
    }
}
