using Daalu.Operator.Gpu;
using k8s.Models;

namespace Daalu.Operator.Children;

/// <summary>
/// Builds the NVIDIA device plugin DaemonSet that advertises nvidia.com/gpu on nodes declared by GpuNodes. The pod
/// follows NVIDIA's static manifest (deployments/static/nvidia-device-plugin.yml at v0.20.0 of
/// github.com/NVIDIA/k8s-device-plugin): the nvidia.com/gpu NoSchedule toleration, priorityClassName
/// system-node-critical, no privilege escalation with ALL capabilities dropped, the kubelet's device-plugins directory
/// as a hostPath of type Directory, and no env (so FAIL_ON_INIT_ERROR keeps its default, true: a node whose driver or
/// runtime is broken shows a crash-looping plugin instead of a Ready one that advertises nothing). Added here: node
/// affinity to the declared Ada nodes and the RuntimeClass its Helm chart's runtimeClassName value sets.
/// </summary>
public static class DevicePluginBuilder
{
    /// <summary>The kubelet's device-plugin socket directory.</summary>
    public const string SocketDirectory = "/var/lib/kubelet/device-plugins";

    /// <summary>Labels on the DaemonSet and its pods.</summary>
    public static IReadOnlyDictionary<string, string> SelectorLabels { get; } = new Dictionary<string, string>
    {
        ["app.kubernetes.io/name"] = ChildNames.DevicePlugin,
        [WellKnown.ManagedByLabel] = WellKnown.ManagedByValue,
    };

    /// <summary>
    /// The desired DaemonSet in <paramref name="namespaceName"/> running <paramref name="image"/> with
    /// <paramref name="runtimeClassName"/> (null: the nodes' default runtime), hash-stamped.
    /// </summary>
    public static V1DaemonSet Build(string namespaceName, string image, string? runtimeClassName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(namespaceName);
        ArgumentException.ThrowIfNullOrEmpty(image);
        var daemonSet = GpuNodeDaemonSet.Build(
            ChildNames.DevicePlugin,
            namespaceName,
            SelectorLabels,
            WellKnown.DevicePluginLabel,
            WellKnown.DevicePluginLabelValue,
            runtimeClassName,
            new V1Container
            {
                Name = "nvidia-device-plugin-ctr",
                Image = image,
                SecurityContext = new V1SecurityContext
                {
                    AllowPrivilegeEscalation = false,
                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                },
                VolumeMounts = [new V1VolumeMount { Name = "device-plugin", MountPath = SocketDirectory }],
            },
            new V1Volume { Name = "device-plugin", HostPath = new V1HostPathVolumeSource { Path = SocketDirectory, Type = "Directory" } });
        SpecHash.Stamp(daemonSet);
        return daemonSet;
    }
}
