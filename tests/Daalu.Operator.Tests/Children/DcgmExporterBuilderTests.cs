using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;

namespace Daalu.Operator.Tests.Children;

// The facts below are NVIDIA's: dcgm-exporter.yaml at the root of github.com/NVIDIA/dcgm-exporter (commit d5e5f51,
// app version 4.8.2) and its Helm chart (deployment/values.yaml, deployment/templates/daemonset.yaml, service.yaml).
public sealed class DcgmExporterBuilderTests
{
    [Fact]
    public void BuildDaemonSet_DefaultImage_MatchesNvidiaManifest()
    {
        var ds = DcgmExporterBuilder.BuildDaemonSet("daalu-device-plugin", DcgmExporterSpec.DefaultImage, "nvidia");
        var pod = ds.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal("dcgm-exporter", ds.Metadata.Name);
        Assert.Equal("daalu-device-plugin", ds.Metadata.NamespaceProperty);
        Assert.Equal("nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless", container.Image);
        Assert.Null(container.Args); // the image's built-in default counters, as the static manifest runs it
        Assert.Equal("nvidia", pod.RuntimeClassName);
        Assert.Equal("system-node-critical", pod.PriorityClassName);
        Assert.False(pod.AutomountServiceAccountToken);

        var env = container.Env.ToDictionary(e => e.Name);
        Assert.Equal(":9400", env["DCGM_EXPORTER_LISTEN"].Value);
        Assert.Equal("true", env["DCGM_EXPORTER_KUBERNETES"].Value);
        Assert.Equal("spec.nodeName", env["NODE_NAME"].ValueFrom.FieldRef.FieldPath);

        var port = Assert.Single(container.Ports);
        Assert.Equal(("metrics", 9400), (port.Name, port.ContainerPort));
        Assert.Equal(9400, port.HostPort);

        var security = container.SecurityContext;
        Assert.False(security.RunAsNonRoot);
        Assert.Equal(0, security.RunAsUser);
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.Null(security.Privileged);
        Assert.Equal(["SYS_ADMIN"], security.Capabilities.Add);
        Assert.Equal(["ALL"], security.Capabilities.Drop);

        var volume = Assert.Single(pod.Volumes);
        Assert.Equal("/var/lib/kubelet/pod-resources", volume.HostPath.Path);
        var mount = Assert.Single(container.VolumeMounts);
        Assert.Equal((volume.Name, "/var/lib/kubelet/pod-resources", (bool?)true), (mount.Name, mount.MountPath, mount.ReadOnlyProperty));

        Assert.Equal("100m", container.Resources.Requests["cpu"].ToString());
        Assert.Equal("128Mi", container.Resources.Requests["memory"].ToString());
        Assert.Equal("200m", container.Resources.Limits["cpu"].ToString());
        Assert.Equal("256Mi", container.Resources.Limits["memory"].ToString());
        Assert.Equal(("/health", "9400"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(("/health", "9400"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
        Assert.All(ds.Spec.Selector.MatchLabels, kv => Assert.Equal(kv.Value, ds.Spec.Template.Metadata.Labels[kv.Key]));
    }

    [Fact]
    public void BuildDaemonSet_NodeAffinity_OnlySupportedGpuNodesThatAskForIt()
    {
        var pod = DcgmExporterBuilder.BuildDaemonSet("ns", "img:1").Spec.Template.Spec;

        Assert.Null(pod.RuntimeClassName);
        Assert.Contains(pod.Tolerations, t => t.Key == "nvidia.com/gpu" && t.OperatorProperty == "Exists" && t.Effect == "NoSchedule");
        var expressions = Assert.Single(pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms).MatchExpressions;
        Assert.Equal(2, expressions.Count);
        Assert.Contains(expressions, e => e.Key == "ai.daalu.io/gpu-class" && e.OperatorProperty == "In" && e.Values.SequenceEqual(["rtx-2000-ada", "rtx-6000-ada"]));
        Assert.Contains(expressions, e => e.Key == "ai.daalu.io/dcgm-exporter" && e.OperatorProperty == "In" && e.Values.SequenceEqual(["enabled"]));
    }

    [Fact]
    public void BuildService_ClusterIpMetricsPort_SelectsTheDaemonSetPods()
    {
        var service = DcgmExporterBuilder.BuildService("daalu-device-plugin");
        var ds = DcgmExporterBuilder.BuildDaemonSet("daalu-device-plugin", "img:1");

        Assert.Equal(("dcgm-exporter", "daalu-device-plugin"), (service.Metadata.Name, service.Metadata.NamespaceProperty));
        Assert.Equal("ClusterIP", service.Spec.Type);
        var port = Assert.Single(service.Spec.Ports);
        Assert.Equal(("metrics", 9400, "9400"), (port.Name, port.Port, port.TargetPort.Value));
        Assert.All(service.Spec.Selector, kv => Assert.Equal(kv.Value, ds.Spec.Template.Metadata.Labels[kv.Key]));
    }

    [Fact]
    public void BuildDaemonSet_DifferentImage_DifferentHash()
    {
        Assert.Equal(SpecHash.Of(DcgmExporterBuilder.BuildDaemonSet("ns", "img:1")), SpecHash.Of(DcgmExporterBuilder.BuildDaemonSet("ns", "img:1")));
        Assert.NotEqual(SpecHash.Of(DcgmExporterBuilder.BuildDaemonSet("ns", "img:1")), SpecHash.Of(DcgmExporterBuilder.BuildDaemonSet("ns", "img:2")));
    }
}
