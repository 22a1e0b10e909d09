using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>JSON patch (RFC 6902, <c>application/json-patch+json</c>): add, remove, replace, move, copy, test.</summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        var root = target.DeepClone();
        foreach (var opNode in operations)
        {
            if (opNode is not JsonObject op)
            {
                throw ApiError.BadRequest("json patch: every operation must be an object");
            }

            var kind = op["op"]?.GetValue<string>() ?? throw ApiError.BadRequest("json patch: missing op");
            var path = op["path"]?.GetValue<string>() ?? throw ApiError.BadRequest("json patch: missing path");
            switch (kind)
            {
                case "add":
                    root = Add(root, path, Value(op));
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    _ = Get(root, path) ?? throw Unprocessable($"replace operation does not apply: doc is missing key: {path}");
                    Remove(root, path);
                    root = Add(root, path, Value(op));
                    break;
                case "move":
                {
                    var from = op["from"]?.GetValue<string>() ?? throw ApiError.BadRequest("json patch: move needs from");
                    var value = Get(root, from)?.DeepClone() ?? throw Unprocessable($"move operation does not apply: doc is missing from path: {from}");
                    Remove(root, from);
                    root = Add(root, path, value);
                    break;
                }

                case "copy":
                {
                    var from = op["from"]?.GetValue<string>() ?? throw ApiError.BadRequest("json patch: copy needs from");
                    var value = Get(root, from)?.DeepClone() ?? throw Unprocessable($"copy operation does not apply: doc is missing from path: {from}");
                    root = Add(root, path, value);
                    break;
                }

                case "test":
                {
                    var actual = Get(root, path);
                    if (!JsonNode.DeepEquals(actual, op["value"]))
                    {
                        throw Unprocessable($"testing value {path} failed: test failed");
                    }

                    break;
                }

                default:
                    throw ApiError.BadRequest($"Unexpected kind: {kind}");
            }
        }

        return root;
    }

    private static ApiError Unprocessable(string message) => new(422, "Invalid", message);

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var v) ? v?.DeepClone() : throw ApiError.BadRequest("json patch: missing value");

    private static string[] Tokens(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (path[0] != '/')
        {
            throw ApiError.BadRequest($"json patch: invalid path {path}");
        }

        return path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    private static JsonNode? Get(JsonNode root, string path) => Get(root, Tokens(path));

    private static JsonNode? Get(JsonNode root, string[] tokens)
    {
        JsonNode? node = root;
        foreach (var token in tokens)
        {
            node = node switch
            {
                JsonObject o => o[token],
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static JsonNode Add(JsonNode root, string path, JsonNode? value)
    {
        var tokens = Tokens(path);
        if (tokens.Length == 0)
        {
            return value ?? throw Unprocessable("json patch: cannot replace the document with null");
        }

        var parent = Get(root, tokens[..^1])
            ?? throw Unprocessable($"add operation does not apply: doc is missing path: \"{path}\": missing value");
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw Unprocessable($"add operation does not apply: doc is missing path: \"{path}\": missing value");
        }

        return root;
    }

    private static void Remove(JsonNode root, string path)
    {
        var tokens = Tokens(path);
        var parent = tokens.Length == 0 ? null : Get(root, tokens[..^1]);
        var last = tokens.Length == 0 ? string.Empty : tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw Unprocessable($"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        }
    }
}
