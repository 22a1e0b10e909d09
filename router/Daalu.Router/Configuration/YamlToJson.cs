using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Daalu.Router.Configuration;

/// <summary>
/// Converts a YAML document to JSON so that one source-generated JSON model serves both formats. Plain scalars
/// become numbers, booleans or null when they look like one (YAML 1.2 core schema); quoted scalars stay strings.
/// </summary>
internal static class YamlToJson
{
    public static JsonNode? Convert(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : ToNode(stream.Documents[0].RootNode, 0);
    }

    private static JsonNode? ToNode(YamlNode node, int depth)
    {
        if (depth > 64)
        {
            throw new ConfigLoadException("configuration nests deeper than 64 levels");
        }

        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    var key = (k as YamlScalarNode)?.Value ?? throw new ConfigLoadException($"line {k.Start.Line}: mapping keys must be scalars");
                    if (obj.ContainsKey(key))
                    {
                        throw new ConfigLoadException($"line {k.Start.Line}: duplicate key '{key}'");
                    }

                    obj[key] = ToNode(v, depth + 1);
                }

                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var item in seq.Children)
                {
                    arr.Add(ToNode(item, depth + 1));
                }

                return arr;
            case YamlScalarNode s:
                return Scalar(s);
            default:
                throw new ConfigLoadException($"line {node.Start.Line}: unsupported YAML node");
        }
    }

    private static JsonValue? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? string.Empty;
        if (s.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(v);
        }

        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (decimal.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(v);
    }
}
