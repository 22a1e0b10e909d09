namespace Daalu.Operator.Controllers;

/// <summary>Reasons of a GpuNode's Ready condition beyond those of GPU detection.</summary>
public static class GpuNodeReasons
{
    /// <summary>The card is supported, the device plugin (when enabled) is ready and the node advertises nvidia.com/gpu.</summary>
    public const string Ready = "Ready";

    /// <summary>No Node of spec.nodeName exists.</summary>
    public const string NodeNotFound = "NodeNotFound";

    /// <summary>The device plugin pod on the node is not ready yet.</summary>
    public const string DevicePluginNotReady = "DevicePluginNotReady";

    /// <summary>
    /// The node's status.allocatable has no nvidia.com/gpu (or 0): the plugin runs but found no GPU (usually the container
    /// runtime or RuntimeClass), or, with the plugin disabled, nothing else advertises it.
    /// </summary>
    public const string NoAllocatableGpu = "NoAllocatableGpu";
}
