namespace Daalu.Operator.Children;

/// <summary>Where the vLLM pod may run: one node (from spec.gpuNode) or any node of a class (from spec.gpuClass).</summary>
/// <param name="NodeName">The node to pin to, or null.</param>
/// <param name="GpuClass">The class label to select on when no node is pinned.</param>
public sealed record Placement(string? NodeName, string GpuClass)
{
    /// <summary>The pod's nodeSelector.</summary>
    public Dictionary<string, string> NodeSelector() => NodeName is not null
        ? new() { [WellKnown.HostnameLabel] = NodeName }
        : new() { [WellKnown.GpuClassLabel] = GpuClass };
}
