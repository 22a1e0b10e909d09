using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Daalu.CrdGen;

/// <summary>Reads the C# XML documentation file of an assembly: the summaries become schema descriptions.</summary>
public sealed partial class XmlDocs
{
    private readonly Dictionary<string, string> _summaries = new(StringComparer.Ordinal);

    private XmlDocs()
    {
    }

    /// <summary>Loads the XML doc file next to the assembly (GenerateDocumentationFile must be on).</summary>
    public static XmlDocs For(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"XML documentation for {assembly.GetName().Name} not found; build with GenerateDocumentationFile", path);
        }

        var docs = new XmlDocs();
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            var name = member.Attribute("name")?.Value;
            var summary = member.Element("summary");
            if (name is not null && summary is not null)
            {
                docs._summaries[name] = Flatten(summary);
            }
        }

        return docs;
    }

    /// <summary>The summary of a type, or null.</summary>
    public string? Of(Type type) => _summaries.GetValueOrDefault("T:" + Name(type));

    /// <summary>The summary of a property, or null.</summary>
    public string? Of(PropertyInfo property) =>
        _summaries.GetValueOrDefault("P:" + Name(property.DeclaringType!) + "." + property.Name);

    private static string Name(Type type)
    {
        var t = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return t.FullName!.Replace('+', '.');
    }

    private static string Flatten(XElement summary)
    {
        var parts = summary.Nodes().Select(n => n switch
        {
            XText text => text.Value,
            XElement { Name.LocalName: "see" or "seealso" } e => ShortCref(e.Attribute("cref")?.Value ?? e.Attribute("langword")?.Value ?? string.Empty),
            XElement { Name.LocalName: "paramref" or "typeparamref" } e => e.Attribute("name")?.Value ?? string.Empty,
            XElement e => e.Value,
            _ => string.Empty,
        });
        return Whitespace().Replace(string.Concat(parts), " ").Trim();
    }

    private static string ShortCref(string cref)
    {
        var name = cref.Contains(':', StringComparison.Ordinal) ? cref[(cref.IndexOf(':', StringComparison.Ordinal) + 1)..] : cref;
        var segments = name.Split('.');
        // Condition.Status reads better than Status alone in prose.
        return segments.Length >= 2 && cref.StartsWith("P:", StringComparison.Ordinal)
            ? segments[^2] + "." + segments[^1]
            : segments[^1];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
