using System.Text.Json.Nodes;
using Daalu.CrdValidation;
using Xunit;

namespace Daalu.Api.Tests;

/// <summary>The generated CRDs meet the API server's structural-schema rules and carry what kubectl users need.</summary>
public sealed class CrdStructureTests
{
    private static readonly IReadOnlyList<CrdSchema> Crds = CrdSchema.LoadDirectory(RepoPaths.Of("crds"));

    [Fact]
    public void LoadDirectory_Crds_HasTheFourKindsWithTheirScopes()
    {
        Assert.Equal(
            ["GpuNode:Cluster", "ModelServing:Namespaced", "RoutingPolicy:Namespaced", "TenantQuota:Namespaced"],
            Crds.Select(c => c.Kind + ":" + c.Scope));
    }

    [Fact]
    public void Crds_EachHasStatusSubresourceShortNamesCategoryAndColumns()
    {
        foreach (var crd in Crds)
        {
            var spec = crd.Definition["spec"]!;
            var version = spec["versions"]!.AsArray().Single()!;
            Assert.True(version["served"]!.GetValue<bool>() && version["storage"]!.GetValue<bool>(), crd.Kind);
            Assert.NotNull(version["subresources"]?["status"]);
            Assert.NotEmpty(spec["names"]!["shortNames"]!.AsArray());
            Assert.Equal(["daalu"], spec["names"]!["categories"]!.AsArray().Select(c => c!.GetValue<string>()));
            var columns = version["additionalPrinterColumns"]!.AsArray();
            Assert.True(columns.Count >= 4, $"{crd.Kind} has {columns.Count} printer columns");
            Assert.Equal("Age", columns[^1]!["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Crds_SchemasAreStructuralAndDescribed()
    {
        foreach (var crd in Crds)
        {
            Walk(crd.OpenApiSchema, crd.Kind, isRoot: true);
        }
    }

    private static void Walk(JsonObject schema, string path, bool isRoot = false)
    {
        // Structural: every node has a type (the API server refuses a schema without one unless it preserves unknown fields).
        Assert.True(schema["type"] is not null || schema["x-kubernetes-preserve-unknown-fields"] is not null, $"{path} has no type");
        if (!isRoot && !path.EndsWith(".metadata", StringComparison.Ordinal) && !path.EndsWith("[]", StringComparison.Ordinal))
        {
            Assert.False(string.IsNullOrWhiteSpace(schema["description"]?.GetValue<string>()), $"{path} has no description (kubectl explain shows nothing)");
        }

        Assert.False(schema["properties"] is not null && schema["additionalProperties"] is not null, $"{path} has both properties and additionalProperties");

        if (schema["x-kubernetes-list-type"]?.GetValue<string>() == "map")
        {
            var required = schema["items"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
            foreach (var key in schema["x-kubernetes-list-map-keys"]!.AsArray())
            {
                Assert.Contains(key!.GetValue<string>(), required);
            }
        }

        if (schema["x-kubernetes-list-type"]?.GetValue<string>() == "set")
        {
            Assert.NotEqual("object", schema["items"]!["type"]!.GetValue<string>());
        }

        if (schema["x-kubernetes-validations"] is JsonArray rules && rules.Any(r => r!["rule"]!.GetValue<string>().Contains(".all(", StringComparison.Ordinal) || r["rule"]!.GetValue<string>().Contains(".exists", StringComparison.Ordinal)))
        {
            // Rules that iterate need bounded lists (and bounded strings in them) to stay within the API server's CEL
            // cost budget.
            if (schema["type"]!.GetValue<string>() == "array")
            {
                Assert.True(schema["maxItems"] is not null, $"{path} is iterated by its own CEL rule but has no maxItems");
                Assert.True(schema["items"]!["type"]!.GetValue<string>() != "string" || schema["items"]!["maxLength"] is not null, $"{path} items are strings a CEL rule reads but have no maxLength");
            }

            foreach (var (name, child) in schema["properties"]?.AsObject() ?? [])
            {
                if (child!["type"]!.GetValue<string>() == "array" && rules.Any(r => r!["rule"]!.GetValue<string>().Contains("self." + name + ".", StringComparison.Ordinal)))
                {
                    Assert.True(child["maxItems"] is not null, $"{path}.{name} is iterated by a CEL rule but has no maxItems");
                }
            }
        }

        if (schema["properties"] is JsonObject props)
        {
            foreach (var (name, child) in props)
            {
                Walk(child!.AsObject(), path + "." + name);
            }
        }

        if (schema["items"] is JsonObject items)
        {
            Walk(items, path + "[]");
        }
    }
}
