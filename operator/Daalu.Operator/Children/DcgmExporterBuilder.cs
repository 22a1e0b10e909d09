using Daalu.Api.V1Alpha1;
using Daalu.Operator.Gpu;
using k8s.Models;

namespace Daalu.Operator.Children;

/// <summary>
/// Builds the NVIDIA dcgm-exporter DaemonSet and Service that publish each GPU node's DCGM counters for the console's
/// hardware view. The pod follows NVIDIA's static manifest (dcgm-exporter.yaml at the root of
/// github.com/NVIDIA/dcgm-exporter, commit d5e5f51, app version 4.8.2) and its Helm chart
/// (deployment/templates/daemonset.yaml and deployment/values.yaml there): image
/// nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless with its built-in default counters; env
/// DCGM_EXPORTER_LISTEN ":9400", DCGM_EXPORTER_KUBERNETES "true" and NODE_NAME from spec.nodeName; the "metrics"
/// port 9400; a securityContext running as root (runAsNonRoot false, runAsUser 0) with no privilege escalation and
/// ALL capabilities dropped but SYS_ADMIN added (the profiling counters DCGM_FI_PROF_* need it); the kubelet's
/// pod-resources directory as a read-only hostPath (to map GPUs to pods); requests 100m CPU / 128Mi, limits 200m /
/// 256Mi; no service account token; and, from the chart, priorityClassName system-node-critical and HTTP /health
/// liveness and readiness probes after 45 s. Added here: the RuntimeClass (nvidia where it exists, as for the device
/// plugin), the nvidia.com/gpu NoSchedule toleration, node affinity to supported Ada nodes whose GpuNode asks for the
/// exporter, and hostPort 9400 so the router reaches the exporter of one given node (see
/// <see cref="DcgmExporterEndpoint"/>). The Service matches NVIDIA's: ClusterIP, port "metrics" 9400, for Prometheus.
/// </summary>
public static class DcgmExporterBuilder
{
    /// <summary>The kubelet's pod-resources directory (NVIDIA's kubeletPath).</summary>
    public const string PodResourcesDirectory = "/var/lib/kubelet/pod-resources";

    /// <summary>The metrics port's name in NVIDIA's manifest.</summary>
    public const string PortName = "metrics";

    /// <summary>Labels on the DaemonSet, its pods and the Service.</summary>
    public static IReadOnlyDictionary<string, string> SelectorLabels { get; } = new Dictionary<string, string>
    {
        ["app.kubernetes.io/name"] = ChildNames.DcgmExporter,
        [WellKnown.ManagedByLabel] = WellKnown.ManagedByValue,
    };

    /// <summary>The desired DaemonSet in <paramref name="namespaceName"/>, hash-stamped.</summary>
    public static V1DaemonSet BuildDaemonSet(string namespaceName, string image, string? runtimeClassName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(namespaceName);
        ArgumentException.ThrowIfNullOrEmpty(image);
        var port = DcgmExporterSpec.DefaultPort;
        var daemonSet = GpuNodeDaemonSet.Build(
            ChildNames.DcgmExporter,
            namespaceName,
            SelectorLabels,
            WellKnown.DcgmExporterLabel,
            WellKnown.DcgmExporterLabelValue,
            runtimeClassName,
            new V1Container
            {
                Name = "dcgm-exporter",
                Image = image,
                Env =
                [
                    new V1EnvVar { Name = "DCGM_EXPORTER_LISTEN", Value = $":{port}" },
                    new V1EnvVar { Name = "DCGM_EXPORTER_KUBERNETES", Value = "true" },
                    new V1EnvVar
                    {
                        Name = "NODE_NAME",
                        ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "spec.nodeName" } },
                    },
                ],
                Ports = [new V1ContainerPort { Name = PortName, ContainerPort = port, HostPort = port, Protocol = "TCP" }],
                SecurityContext = new V1SecurityContext
                {
                    RunAsNonRoot = false,
                    RunAsUser = 0,
                    AllowPrivilegeEscalation = false,
                    Capabilities = new V1Capabilities { Add = ["SYS_ADMIN"], Drop = ["ALL"] },
                },
                VolumeMounts = [new V1VolumeMount { Name = "pod-gpu-resources", MountPath = PodResourcesDirectory, ReadOnlyProperty = true }],
                Resources = new V1ResourceRequirements
                {
                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") },
                    Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("200m"), ["memory"] = new("256Mi") },
                },
                LivenessProbe = new V1Probe
                {
                    HttpGet = new V1HTTPGetAction { Path = "/health", Port = port, Scheme = "HTTP" },
                    InitialDelaySeconds = 45,
                    PeriodSeconds = 5,
                },
                ReadinessProbe = new V1Probe
                {
                    HttpGet = new V1HTTPGetAction { Path = "/health", Port = port, Scheme = "HTTP" },
                    InitialDelaySeconds = 45,
                },
            },
            new V1Volume { Name = "pod-gpu-resources", HostPath = new V1HostPathVolumeSource { Path = PodResourcesDirectory } });
        SpecHash.Stamp(daemonSet);
        return daemonSet;
    }

    /// <summary>The desired ClusterIP Service in front of every node's exporter (for Prometheus), hash-stamped.</summary>
    public static V1Service BuildService(string namespaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(namespaceName);
        var service = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta
            {
                Name = ChildNames.DcgmExporter,
                NamespaceProperty = namespaceName,
                Labels = new Dictionary<string, string>(SelectorLabels),
            },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = new Dictionary<string, string>(SelectorLabels),
                Ports = [new V1ServicePort { Name = PortName, Port = DcgmExporterSpec.DefaultPort, TargetPort = DcgmExporterSpec.DefaultPort, Protocol = "TCP" }],
            },
        };
        SpecHash.Stamp(service);
        return service;
    }
}
