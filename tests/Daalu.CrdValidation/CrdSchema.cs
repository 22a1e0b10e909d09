// CrdSchema: one CustomResourceDefinition (apiextensions.k8s.io/v1) loaded from YAML, with the OpenAPI v3 schema
// of its storage version. Feed it to SchemaValidator.
//
// Public API:
//   CrdSchema CrdSchema.Load(string crdYamlPath)
//   CrdSchema CrdSchema.Parse(string crdYaml)
//   IReadOnlyList<CrdSchema> CrdSchema.LoadDirectory(string dir)   - every CustomResourceDefinition YAML in dir
//                                                                     (skips kustomization.yaml and other kinds)
//   string Group, Kind, Plural, Version, Scope; JsonObject Definition (the whole CRD), JsonObject OpenApiSchema
using System.Text.Json.Nodes;

namespace Daalu.CrdValidation;

/// <summary>A CustomResourceDefinition and the structural schema of its storage version.</summary>
public sealed class CrdSchema
{
    private CrdSchema(JsonObject definition, JsonObject version)
    {
        Definition = definition;
        var spec = definition["spec"]?.AsObject() ?? throw new FormatException("CRD has no spec");
        Group = spec["group"]?.GetValue<string>() ?? throw new FormatException("CRD spec.group is missing");
        Scope = spec["scope"]?.GetValue<string>() ?? throw new FormatException("CRD spec.scope is missing");
        var names = spec["names"]?.AsObject() ?? throw new FormatException("CRD spec.names is missing");
        Kind = names["kind"]?.GetValue<string>() ?? throw new FormatException("CRD spec.names.kind is missing");
        Plural = names["plural"]?.GetValue<string>() ?? throw new FormatException("CRD spec.names.plural is missing");
        Version = version["name"]?.GetValue<string>() ?? throw new FormatException("CRD version has no name");
        OpenApiSchema = version["schema"]?["openAPIV3Schema"]?.AsObject()
            ?? throw new FormatException($"CRD version {Version} has no schema.openAPIV3Schema");
    }

    /// <summary>The whole CRD object.</summary>
    public JsonObject Definition { get; }

    /// <summary>API group, e.g. ai.daalu.io.</summary>
    public string Group { get; }

    /// <summary>Kind, e.g. GpuNode.</summary>
    public string Kind { get; }

    /// <summary>Plural resource name, e.g. gpunodes.</summary>
    public string Plural { get; }

    /// <summary>The storage version whose schema is used.</summary>
    public string Version { get; }

    /// <summary>Cluster or Namespaced.</summary>
    public string Scope { get; }

    /// <summary><c>group/version</c>.</summary>
    public string ApiVersion => Group + "/" + Version;

    /// <summary>The storage version's openAPIV3Schema.</summary>
    public JsonObject OpenApiSchema { get; }

    /// <summary>Reads a CRD from a YAML file.</summary>
    public static CrdSchema Load(string crdYamlPath) => Parse(File.ReadAllText(crdYamlPath));

    /// <summary>Reads every CRD in a directory (e.g. crds/), ordered by file name; other YAML files are skipped.</summary>
    public static IReadOnlyList<CrdSchema> LoadDirectory(string directory) =>
        Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => YamlJson.ParseAll(File.ReadAllText(f)))
            .Where(docs => docs.Count == 1 && docs[0]?["kind"]?.GetValue<string>() == "CustomResourceDefinition")
            .Select(docs => Parse(docs[0]!.ToJsonString()))
            .ToList();

    /// <summary>Reads a CRD from YAML text.</summary>
    public static CrdSchema Parse(string crdYaml)
    {
        var node = YamlJson.Parse(crdYaml)?.AsObject() ?? throw new FormatException("CRD YAML is empty");
        if (node["kind"]?.GetValue<string>() != "CustomResourceDefinition" ||
            node["apiVersion"]?.GetValue<string>() != "apiextensions.k8s.io/v1")
        {
            throw new FormatException("not an apiextensions.k8s.io/v1 CustomResourceDefinition");
        }

        var versions = node["spec"]?["versions"]?.AsArray() ?? throw new FormatException("CRD spec.versions is missing");
        var storage = versions.OfType<JsonObject>().FirstOrDefault(v => v["storage"]?.GetValue<bool>() == true)
            ?? versions.OfType<JsonObject>().FirstOrDefault()
            ?? throw new FormatException("CRD has no versions");
        return new CrdSchema(node, storage);
    }
}
