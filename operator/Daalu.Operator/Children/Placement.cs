namespace Daalu.Operator.Children;

/// <summary>
/// Where the vLLM pod may run: one node (the GpuNode of spec.gpuNode, or the one <see cref="PlacementPolicy"/> chose for
/// spec.gpuClass) or, with no node, any node of a class; and the RuntimeClass its GPU pods use.
/// </summary>
/// <param name="NodeName">The node to pin to, or null.</param>
/// <param name="GpuClass">The class label to select on when no node is pinned.</param>
/// <param name="RuntimeClassName">The pod's runtimeClassName; null for the node's default runtime.</param>
public sealed record Placement(string? NodeName, string GpuClass, string? RuntimeClassName = null)
{
    /// <summary>The pod's nodeSelector.</summary>
    public Dictionary<string, string> NodeSelector() => NodeName is not null
        ? new() { [WellKnown.HostnameLabel] = NodeName }
        : new() { [WellKnown.GpuClassLabel] = GpuClass };
}
