namespace Daalu.Runtime;

/// <summary>What the work queue holds: a namespace (null for cluster-scoped kinds) and a name.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    /// <inheritdoc />
    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
