using Daalu.Api.V1Alpha1;
using Daalu.Operator.Controllers;

namespace Daalu.Operator.Gpu;

/// <summary>
/// Whether a GpuNode's GPU is usable, and if not which step of the NVIDIA stack is missing. The steps, in the order a
/// node goes through them (NVIDIA k8s-device-plugin README, "Prerequisites" and "Quick Start"): the driver, which GPU
/// Feature Discovery needs before it labels the node (nvidia.com/gpu.product); the container toolkit with a runtime the
/// GPU pods use (the default runtime or a RuntimeClass); the device plugin pod; and finally the kubelet advertising the
/// extended resource nvidia.com/gpu in node status.allocatable, which is what a pod's GPU limit is scheduled against.
/// Ready requires the last step: a Ready plugin pod alone proves nothing (it can run and find no GPU).
/// </summary>
public static class GpuReadiness
{
    /// <summary>Evaluates the steps for a node whose GPU detection is <paramref name="detection"/>.</summary>
    /// <param name="spec">The GpuNode's spec.</param>
    /// <param name="detection">What GPU Feature Discovery labels (or spec.gpuClass) say.</param>
    /// <param name="pluginPodReady">Whether the operator's device plugin pod on the node is Ready.</param>
    /// <param name="allocatableGpus">The node's status.allocatable["nvidia.com/gpu"], 0 when absent.</param>
    /// <param name="runtimeClassName">The RuntimeClass the GPU pods on this node use (null: the default runtime).</param>
    /// <param name="pluginNamespace">Where the device plugin runs, for the commands in messages.</param>
    public static GpuReadinessResult Evaluate(GpuNodeSpec spec, GpuDetection detection, bool pluginPodReady, long allocatableGpus,
        string? runtimeClassName, string pluginNamespace)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(detection);
        var node = spec.NodeName;
        var pluginEnabled = spec.DevicePlugin?.Enabled != false;
        var devicePluginReady = pluginEnabled ? pluginPodReady : allocatableGpus >= 1;
        var runtime = GpuRuntime.Describe(runtimeClassName);

        if (!detection.Supported)
        {
            var phase = detection.AwaitingLabels ? GpuNodePhases.Pending : GpuNodePhases.Unsupported;
            return new(phase, false, detection.Reason, detection.Message, false);
        }

        if (pluginEnabled && !pluginPodReady)
        {
            return new(GpuNodePhases.Pending, false, GpuNodeReasons.DevicePluginNotReady,
                $"{detection.Message} The device plugin pod on node '{node}' is not Ready: see `kubectl -n {pluginNamespace} get pods " +
                $"-l app.kubernetes.io/name=nvidia-device-plugin -o wide` and its logs. A crash loop means it cannot reach the GPU: check " +
                $"the NVIDIA driver (`nvidia-smi` on the node), the NVIDIA container toolkit, and that {runtime} runs the NVIDIA " +
                "container runtime (`kubectl get runtimeclass`).", false);
        }

        if (allocatableGpus < 1)
        {
            var message = pluginEnabled
                ? $"Node '{node}' advertises no allocatable {WellKnown.GpuResource} although the device plugin pod is Ready: the " +
                  $"plugin found no GPU through {runtime}. Check `kubectl get runtimeclass` (k3s, RKE2 and the GPU Operator create " +
                  "'nvidia'), that the NVIDIA container toolkit is configured for containerd (`nvidia-ctk runtime configure " +
                  $"--runtime=containerd`), and the plugin's logs; then `kubectl describe node {node}` shows {WellKnown.GpuResource} " +
                  "under Allocatable."
                : $"The device plugin is disabled for this GpuNode and node '{node}' advertises no allocatable {WellKnown.GpuResource}: " +
                  $"check the plugin that should run there (e.g. the GPU Operator's or the cloud's) and `kubectl describe node {node}`.";
            return new(GpuNodePhases.Pending, false, GpuNodeReasons.NoAllocatableGpu, $"{detection.Message} {message}", devicePluginReady);
        }

        return new(GpuNodePhases.Ready, true, GpuNodeReasons.Ready,
            $"{detection.Message} {allocatableGpus} {WellKnown.GpuResource} allocatable, pods run with {runtime}.", devicePluginReady);
    }

    /// <summary>The node's allocatable nvidia.com/gpu, 0 when absent or unparsable.</summary>
    public static long AllocatableGpus(k8s.Models.V1Node? node)
    {
        if (node?.Status?.Allocatable is { } allocatable && allocatable.TryGetValue(WellKnown.GpuResource, out var quantity) && quantity is not null)
        {
            try
            {
                return Math.Max(0, quantity.ToInt64());
            }
            catch (FormatException)
            {
                return 0;
            }
        }

        return 0;
    }
}
