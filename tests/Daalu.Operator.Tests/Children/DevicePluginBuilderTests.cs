using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;

namespace Daalu.Operator.Tests.Children;

public sealed class DevicePluginBuilderTests
{
    [Fact]
    public void Build_PinnedImage_OnlyDeclaredAdaNodes()
    {
        var ds = DevicePluginBuilder.Build("daalu-device-plugin", "nvcr.io/nvidia/k8s-device-plugin:v0.20.0");
        var pod = ds.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal("nvidia-device-plugin", ds.Metadata.Name);
        Assert.Equal("daalu-device-plugin", ds.Metadata.NamespaceProperty);
        Assert.Equal("nvcr.io/nvidia/k8s-device-plugin:v0.20.0", container.Image);
        Assert.Equal("system-node-critical", pod.PriorityClassName);
        Assert.Contains(pod.Tolerations, t => t.Key == "nvidia.com/gpu" && t.OperatorProperty == "Exists" && t.Effect == "NoSchedule");
        var expressions = Assert.Single(pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms).MatchExpressions;
        var classRule = Assert.Single(expressions, e => e.Key == "ai.daalu.io/gpu-class");
        Assert.Equal("In", classRule.OperatorProperty);
        Assert.Equal(["rtx-2000-ada", "rtx-6000-ada"], classRule.Values);
        Assert.Contains(expressions, e => e.Key == "ai.daalu.io/device-plugin" && e.Values.SequenceEqual(["enabled"]));
        Assert.Equal("/var/lib/kubelet/device-plugins", Assert.Single(pod.Volumes).HostPath.Path);
        Assert.Equal("/var/lib/kubelet/device-plugins", Assert.Single(container.VolumeMounts).MountPath);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Null(container.SecurityContext.Privileged);
        Assert.All(ds.Spec.Selector.MatchLabels, kv => Assert.Equal(kv.Value, ds.Spec.Template.Metadata.Labels[kv.Key]));
    }

    [Fact]
    public void Build_DifferentImage_DifferentHash()
    {
        var a = SpecHash.Of(DevicePluginBuilder.Build("ns", "img:1"));
        var b = SpecHash.Of(DevicePluginBuilder.Build("ns", "img:1"));
        var c = SpecHash.Of(DevicePluginBuilder.Build("ns", "img:2"));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Build_MatchesNvidiasStaticManifest()
    {
        // deployments/static/nvidia-device-plugin.yml at tag v0.20.0 of github.com/NVIDIA/k8s-device-plugin: image
        // v0.20.0, `env: []` (FAIL_ON_INIT_ERROR keeps its default, true), priorityClassName system-node-critical,
        // toleration nvidia.com/gpu Exists NoSchedule, hostPath /var/lib/kubelet/device-plugins of type Directory.
        var ds = DevicePluginBuilder.Build("ns", DevicePluginSpec.DefaultImage);
        var pod = ds.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal("nvcr.io/nvidia/k8s-device-plugin:v0.20.0", container.Image);
        Assert.Equal("nvidia-device-plugin-ctr", container.Name);
        Assert.True(container.Env is null || container.Env.Count == 0);
        Assert.Equal("system-node-critical", pod.PriorityClassName);
        var toleration = Assert.Single(pod.Tolerations);
        Assert.Equal(("nvidia.com/gpu", "Exists", "NoSchedule"), (toleration.Key, toleration.OperatorProperty, toleration.Effect));
        var volume = Assert.Single(pod.Volumes);
        Assert.Equal(("/var/lib/kubelet/device-plugins", "Directory"), (volume.HostPath.Path, volume.HostPath.Type));
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Equal("RollingUpdate", ds.Spec.UpdateStrategy.Type);
    }

    [Theory]
    [InlineData("nvidia")]
    [InlineData(null)]
    public void Build_RuntimeClass_OnThePodAndInTheHash(string? runtimeClass)
    {
        var ds = DevicePluginBuilder.Build("ns", "img:1", runtimeClass);

        Assert.Equal(runtimeClass, ds.Spec.Template.Spec.RuntimeClassName);
        Assert.Equal(runtimeClass is null, SpecHash.Of(ds) == SpecHash.Of(DevicePluginBuilder.Build("ns", "img:1")));
    }
}
