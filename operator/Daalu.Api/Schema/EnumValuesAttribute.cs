namespace Daalu.Api.Schema;

/// <summary>The allowed values of a string property (OpenAPI <c>enum</c>); on a list, of its items.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class EnumValuesAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public EnumValuesAttribute(params string[] values) => Values = values;

    /// <summary>The allowed values.</summary>
    public IReadOnlyList<string> Values { get; }
}
