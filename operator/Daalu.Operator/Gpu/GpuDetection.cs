namespace Daalu.Operator.Gpu;

/// <summary>What the node says about its GPU, resolved against the GpuNode's spec.</summary>
/// <param name="Supported">True when the node has a supported Ada card of a known class.</param>
/// <param name="GpuClass">The resolved class, or null when none could be resolved.</param>
/// <param name="Product">The product reported by GPU Feature Discovery, if any.</param>
/// <param name="MemoryMiB">Memory of one GPU in MiB (the GFD label, else the class's nominal memory).</param>
/// <param name="GpuCount">Allocatable nvidia.com/gpu when the device plugin advertises it, else the GFD count label.</param>
/// <param name="Reason">A CamelCase reason for the Ready condition.</param>
/// <param name="Message">A sentence a user can act on.</param>
public sealed record GpuDetection(
    bool Supported,
    string? GpuClass,
    string? Product,
    long? MemoryMiB,
    int? GpuCount,
    string Reason,
    string Message)
{
    /// <summary>True when no class could be resolved only because GPU Feature Discovery has not labelled the node (yet).</summary>
    public bool AwaitingLabels => Reason == GpuDetectionReasons.NoGpuFeatureDiscoveryLabels;
}
