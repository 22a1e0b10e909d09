namespace Daalu.Operator.Controllers;

/// <summary>Reasons of a GpuNode's Ready condition beyond those of GPU detection.</summary>
public static class GpuNodeReasons
{
    /// <summary>The card is supported and the device plugin (when enabled) is ready.</summary>
    public const string Ready = "Ready";

    /// <summary>No Node of spec.nodeName exists.</summary>
    public const string NodeNotFound = "NodeNotFound";

    /// <summary>The device plugin pod on the node is not ready yet.</summary>
    public const string DevicePluginNotReady = "DevicePluginNotReady";

    /// <summary>The device plugin is disabled and nothing else advertises nvidia.com/gpu on the node.</summary>
    public const string GpuNotAdvertised = "GpuNotAdvertised";
}
