using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>Reads CustomResourceDefinition YAML files into the resource types they define (one per served version).</summary>
internal static class CrdLoader
{
    public static IEnumerable<ResourceType> Load(string path)
    {
        var docs = Daalu.CrdValidation.YamlJson.ParseAll(File.ReadAllText(path));
        foreach (var doc in docs)
        {
            if (doc is not JsonObject crd || crd["kind"]?.GetValue<string>() != "CustomResourceDefinition")
            {
                continue;
            }

            var spec = crd["spec"] as JsonObject ?? throw new InvalidDataException($"{path}: CRD without spec");
            var group = spec["group"]!.GetValue<string>();
            var names = (JsonObject)spec["names"]!;
            var namespaced = (spec["scope"]?.GetValue<string>() ?? "Namespaced") == "Namespaced";
            foreach (var version in spec["versions"]!.AsArray().OfType<JsonObject>())
            {
                if (version["served"]?.GetValue<bool>() == false)
                {
                    continue;
                }

                yield return new ResourceType(
                    group,
                    version["name"]!.GetValue<string>(),
                    names["plural"]!.GetValue<string>(),
                    names["kind"]!.GetValue<string>(),
                    namespaced,
                    HasStatusSubresource: version["subresources"]?["status"] is not null,
                    HasGeneration: true)
                {
                    Singular = names["singular"]?.GetValue<string>() ?? names["kind"]!.GetValue<string>().ToLowerInvariant(),
                    ShortNames = names["shortNames"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [],
                    Categories = names["categories"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [],
                    Schema = version["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject,
                    CrdPath = Path.GetFullPath(path),
                };
            }
        }
    }
}
