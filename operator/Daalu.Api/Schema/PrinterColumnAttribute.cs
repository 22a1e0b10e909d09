namespace Daalu.Api.Schema;

/// <summary>An additional printer column for <c>kubectl get</c>, in declaration order.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PrinterColumnAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public PrinterColumnAttribute(int order, string name, string type, string jsonPath)
    {
        Order = order;
        Name = name;
        Type = type;
        JsonPath = jsonPath;
    }

    /// <summary>Position among the columns.</summary>
    public int Order { get; }

    /// <summary>Column header.</summary>
    public string Name { get; }

    /// <summary>OpenAPI type of the column: string, integer, number, boolean, date.</summary>
    public string Type { get; }

    /// <summary>JSONPath into the object, e.g. <c>.status.phase</c>.</summary>
    public string JsonPath { get; }

    /// <summary>Shown only with <c>-o wide</c> when greater than 0.</summary>
    public int Priority { get; init; }

    /// <summary>Column description.</summary>
    public string? Description { get; init; }
}
