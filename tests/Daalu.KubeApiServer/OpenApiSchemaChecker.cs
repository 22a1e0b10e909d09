using System.Text.Json.Nodes;

using Daalu.CrdValidation;

namespace Daalu.KubeApiServer;

/// <summary>
/// Checks built-in objects against the Kubernetes OpenAPI definitions (field types, required fields, enums, formats)
/// through tests/js/k8s-schema.mjs, which validates with the schemas of the npm package kubernetes-models (generated
/// from the Kubernetes OpenAPI spec). One long-lived node process, JSON lines over stdin/stdout, calls serialised.
/// The API server decodes into typed Go structs and validates required fields, so an object that breaks the schema
/// would be refused there; the messages here are ajv's (e.g. "must be integer"), not the Go decoder's.
/// </summary>
internal sealed class OpenApiSchemaChecker : IDisposable
{
    private readonly NodeScriptProcess _node;

    // One node process for every server in the test process, as for the CEL evaluator; it ends with the test process.
    private static readonly Lazy<OpenApiSchemaChecker?> SharedChecker = new(TryStart);

    private OpenApiSchemaChecker(NodeScriptProcess node) => _node = node;

    /// <summary>The checker shared by every server in this process, or null when it cannot run here.</summary>
    public static OpenApiSchemaChecker? Shared => SharedChecker.Value;

    /// <summary>Starts the checker, or returns null when node, the script or kubernetes-models is missing.</summary>
    public static OpenApiSchemaChecker? TryStart()
    {
        var script = NodeScriptProcess.FindScript("k8s-schema.mjs");
        if (script is null || !Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "kubernetes-models")))
        {
            return null;
        }

        try
        {
            return new OpenApiSchemaChecker(NodeScriptProcess.Start(script, "OpenAPI schema checker (node tests/js/k8s-schema.mjs)"));
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The schema failures of <paramref name="obj"/> as field causes (path in dotted form), empty when it is valid or
    /// when kubernetes-models has no model for its kind.
    /// </summary>
    public IReadOnlyList<FieldCause> Check(JsonObject obj)
    {
        var response = _node.Call(new JsonObject { ["object"] = obj.DeepClone() });
        if (response["error"] is { } error)
        {
            throw new InvalidOperationException("OpenAPI schema checker failed: " + error.GetValue<string>());
        }

        if (response["errors"] is not JsonArray errors)
        {
            return [];
        }

        return errors.Select(e => ToCause(e!["path"]!.GetValue<string>(), e["message"]!.GetValue<string>(), obj)).ToList();
    }

    public void Dispose() => _node.Dispose();

    // ajv's instancePath "/spec/template/spec/containers/0/ports/0/containerPort" becomes the API server's field path
    // "spec.template.spec.containers[0].ports[0].containerPort"; the bad value is looked up there.
    internal static FieldCause ToCause(string instancePath, string message, JsonObject obj)
    {
        var field = string.Empty;
        JsonNode? value = obj;
        foreach (var raw in instancePath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && value is JsonArray array)
            {
                field += $"[{index}]";
                value = index < array.Count ? array[index] : null;
            }
            else
            {
                field += field.Length == 0 ? segment : "." + segment;
                value = value is JsonObject o ? o[segment] : null;
            }
        }

        if (message.StartsWith("must have required property ", StringComparison.Ordinal))
        {
            var property = message["must have required property ".Length..].Trim('\'');
            return FieldErrors.Required(field.Length == 0 ? property : field + "." + property);
        }

        return FieldErrors.Invalid(field, value, message + " (Kubernetes OpenAPI schema)");
    }
}
