namespace Daalu.Api.Schema;

/// <summary>Whether a custom resource lives in a namespace.</summary>
public enum ResourceScope
{
    /// <summary>One object per name in the whole cluster.</summary>
    Cluster,

    /// <summary>Objects live in namespaces.</summary>
    Namespaced,
}
