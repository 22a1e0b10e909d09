namespace Daalu.Operator.Gpu;

/// <summary>Answers whether a RuntimeClass (node.k8s.io/v1, cluster-scoped) exists.</summary>
public interface IRuntimeClassProbe
{
    /// <summary>True when a RuntimeClass named <paramref name="name"/> exists.</summary>
    ValueTask<bool> ExistsAsync(string name, CancellationToken cancellationToken);
}
