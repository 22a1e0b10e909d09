namespace Daalu.Api.Schema;

/// <summary>
/// OpenAPI constraints for a property that System.ComponentModel.DataAnnotations cannot say:
/// string formats, list limits, list types and free-form objects.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SchemaAttribute : Attribute
{
    /// <summary>OpenAPI <c>format</c>, e.g. <c>date-time</c> or <c>uri</c>.</summary>
    public string? Format { get; init; }

    /// <summary>OpenAPI <c>maxItems</c>; negative means unset.</summary>
    public int MaxItems { get; init; } = -1;

    /// <summary>OpenAPI <c>minItems</c>; negative means unset.</summary>
    public int MinItems { get; init; } = -1;

    /// <summary>OpenAPI <c>maxLength</c> of each item of a list of strings; negative means unset. Bounds CEL rule cost.</summary>
    public int MaxItemLength { get; init; } = -1;

    /// <summary>OpenAPI <c>pattern</c> of each item of a list of strings; null means unset.</summary>
    public string? ItemPattern { get; init; }

    /// <summary><c>x-kubernetes-list-type</c>: atomic, set or map.</summary>
    public string? ListType { get; init; }

    /// <summary><c>x-kubernetes-list-map-keys</c> when <see cref="ListType"/> is map.</summary>
    public string[] ListMapKeys { get; init; } = [];

    /// <summary>Sets <c>x-kubernetes-preserve-unknown-fields</c>.</summary>
    public bool PreserveUnknownFields { get; init; }

    /// <summary>A default value written as JSON, e.g. <c>"auto"</c> or <c>0.9</c> or <c>true</c>.</summary>
    public string? DefaultJson { get; init; }
}
