namespace Daalu.Api.Schema;

/// <summary>Marks a class as a custom resource kind and names it for the CRD generator.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CustomResourceAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public CustomResourceAttribute(string kind, string plural, ResourceScope scope)
    {
        Kind = kind;
        Plural = plural;
        Scope = scope;
    }

    /// <summary>The kind, e.g. <c>GpuNode</c>.</summary>
    public string Kind { get; }

    /// <summary>The plural resource name, e.g. <c>gpunodes</c>.</summary>
    public string Plural { get; }

    /// <summary>Cluster or namespaced.</summary>
    public ResourceScope Scope { get; }

    /// <summary>Short names for kubectl, e.g. <c>gn</c>.</summary>
    public string[] ShortNames { get; init; } = [];
}
