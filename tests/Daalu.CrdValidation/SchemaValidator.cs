// SchemaValidator: validates a custom resource against its CRD the way the Kubernetes API server does on create and
// update, and reports errors in the API server's exact wording (k8s.io/apimachinery field.Error over kube-openapi
// validate errors, as converted by apiextensions-apiserver):
//   1. drop null values (fields are not nullable), then prune or reject unknown fields;
//   2. apply structural defaults top-down (a defaulted object gets its own properties' defaults);
//   3. OpenAPI v3 checks: type, required, enum, minimum/maximum, minLength/maxLength, pattern, minItems/maxItems,
//      format date-time, x-kubernetes-list-type set/map uniqueness;
//   4. x-kubernetes-validations CEL rules at their schema location with `self`, and transition rules (those using
//      oldSelf) only on update when the old value exists; skipped, as the API server does, when a type error makes
//      evaluation unsafe.
// Metadata is not validated beyond being an object (the API server validates it with its own rules).
//
// Public API:
//   new SchemaValidator(CrdSchema crd, CelEvaluator? cel = null, UnknownFieldPolicy unknownFields = Reject)
//   AdmissionResult Admit(JsonNode obj, JsonNode? old = null)   - defaulted/pruned copy + errors
//   IReadOnlyList<string> Validate(JsonNode obj, JsonNode? old = null)   - errors only
// Without a CelEvaluator the CEL rules are not evaluated (say so where that matters).
// Example messages:
//   spec.gpuClass: Unsupported value: "rtx-3090": supported values: "auto", "rtx-2000-ada", "rtx-6000-ada"
//   spec.nodeName: Required value
//   spec.sharing.revenueSharePercent: Invalid value: 120: spec.sharing.revenueSharePercent in body should be less than or equal to 100
//   spec: Invalid value: "object": exactly one of gpuNode, gpuClass or endpoint must be set
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Daalu.CrdValidation;

/// <summary>Validates custom resources against a CRD's structural schema and CEL rules.</summary>
public sealed partial class SchemaValidator
{
    private const string BlockedCelMessage =
        "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

    private readonly CelEvaluator? _cel;
    private readonly UnknownFieldPolicy _unknownFields;

    /// <summary>Creates a validator for one CRD.</summary>
    public SchemaValidator(CrdSchema crd, CelEvaluator? cel = null, UnknownFieldPolicy unknownFields = UnknownFieldPolicy.Reject)
    {
        Crd = crd ?? throw new ArgumentNullException(nameof(crd));
        _cel = cel;
        _unknownFields = unknownFields;
    }

    /// <summary>The CRD this validator checks against.</summary>
    public CrdSchema Crd { get; }

    /// <summary>Validates an object (and, on update, its old version); returns only the error messages.</summary>
    public IReadOnlyList<string> Validate(JsonNode obj, JsonNode? old = null) => Admit(obj, old).Errors;

    /// <summary>Defaults, prunes and validates a copy of <paramref name="obj"/> like the API server on create or update.</summary>
    public AdmissionResult Admit(JsonNode obj, JsonNode? old = null)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var copy = obj.DeepClone();
        var errors = new List<string>();
        var root = Crd.OpenApiSchema;

        DropNulls(copy, root);
        var unknown = new List<string>();
        Prune(copy, root, string.Empty, unknown, isRoot: true);
        if (_unknownFields == UnknownFieldPolicy.Reject)
        {
            unknown.Sort(StringComparer.Ordinal);
            errors.AddRange(unknown.Select(u => $"unknown field {GoFormat.Quote(u)}"));
        }

        ApplyDefaults(copy, root);

        var typeErrors = 0;
        ValidateNode(copy, root, string.Empty, errors, ref typeErrors, isRoot: true);

        if (_cel is not null)
        {
            if (typeErrors > 0)
            {
                errors.Add(BlockedCelMessage);
            }
            else
            {
                JsonNode? oldCopy = null;
                if (old is not null)
                {
                    oldCopy = old.DeepClone();
                    DropNulls(oldCopy, root);
                    Prune(oldCopy, root, string.Empty, [], isRoot: true);
                    ApplyDefaults(oldCopy, root);
                }

                EvaluateRules(copy, oldCopy, oldCopy is not null, root, string.Empty, errors);
            }
        }

        return new AdmissionResult(copy, errors);
    }

    // ---- pruning and defaulting ----

    private static void DropNulls(JsonNode? node, JsonObject schema)
    {
        if (IsPreserve(schema))
        {
            return;
        }

        if (node is JsonObject obj && Properties(schema) is { } props)
        {
            foreach (var (name, value) in obj.ToList())
            {
                if (value is null && props[name] is JsonObject ps && ps["nullable"]?.GetValue<bool>() != true)
                {
                    obj.Remove(name);
                }
                else if (props[name] is JsonObject childSchema)
                {
                    DropNulls(value, childSchema);
                }
            }
        }
        else if (node is JsonArray arr && schema["items"] is JsonObject items)
        {
            foreach (var item in arr)
            {
                DropNulls(item, items);
            }
        }
    }

    private static void Prune(JsonNode? node, JsonObject schema, string path, List<string> pruned, bool isRoot)
    {
        if (IsPreserve(schema))
        {
            return;
        }

        if (node is JsonObject obj)
        {
            var props = Properties(schema);
            if (props is null)
            {
                if (schema["additionalProperties"] is JsonObject addl)
                {
                    foreach (var (name, value) in obj)
                    {
                        Prune(value, addl, Child(path, name), pruned, false);
                    }
                }

                return;
            }

            foreach (var (name, value) in obj.ToList())
            {
                if (isRoot && name is "apiVersion" or "kind" or "metadata" && props[name] is null)
                {
                    continue;
                }

                if (props[name] is JsonObject childSchema)
                {
                    // metadata at the root is validated by the API server's own code, never pruned here.
                    if (!(isRoot && name == "metadata"))
                    {
                        Prune(value, childSchema, Child(path, name), pruned, false);
                    }
                }
                else
                {
                    pruned.Add(Child(path, name));
                    obj.Remove(name);
                }
            }
        }
        else if (node is JsonArray arr && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < arr.Count; i++)
            {
                Prune(arr[i], items, Index(path, i), pruned, false);
            }
        }
    }

    private static void ApplyDefaults(JsonNode? node, JsonObject schema)
    {
        if (node is JsonObject obj && Properties(schema) is { } props)
        {
            foreach (var (name, propSchema) in props)
            {
                if (propSchema is JsonObject ps && !obj.ContainsKey(name) && ps["default"] is { } def)
                {
                    obj[name] = def.DeepClone();
                }
            }

            foreach (var (name, value) in obj)
            {
                if (props[name] is JsonObject ps)
                {
                    ApplyDefaults(value, ps);
                }
            }
        }
        else if (node is JsonArray arr && schema["items"] is JsonObject items)
        {
            foreach (var item in arr)
            {
                ApplyDefaults(item, items);
            }
        }
    }

    // ---- OpenAPI checks ----

    private static void ValidateNode(JsonNode? node, JsonObject schema, string path, List<string> errors, ref int typeErrors, bool isRoot = false)
    {
        var type = schema["type"]?.GetValue<string>();
        var actual = JsonTypeName(node);
        if (node is null)
        {
            if (schema["nullable"]?.GetValue<bool>() == true)
            {
                return;
            }

            if (type is not null)
            {
                errors.Add($"{path}: Invalid value: \"null\": {path} in body must be of type {type}: \"null\"");
                typeErrors++;
            }

            return;
        }

        if (type is not null && !TypeMatches(type, node, actual))
        {
            errors.Add($"{path}: Invalid value: {GoFormat.Quote(actual)}: {path} in body must be of type {type}: {GoFormat.Quote(actual)}");
            typeErrors++;
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                ValidateObject(obj, schema, path, errors, ref typeErrors, isRoot);
                break;
            case JsonArray arr:
                ValidateArray(arr, schema, path, errors, ref typeErrors);
                break;
            case JsonValue value:
                ValidateScalar(value, schema, path, errors);
                break;
        }
    }

    private static void ValidateObject(JsonObject obj, JsonObject schema, string path, List<string> errors, ref int typeErrors, bool isRoot)
    {
        if (schema["required"] is JsonArray required)
        {
            foreach (var r in required)
            {
                var name = r!.GetValue<string>();
                if (!obj.ContainsKey(name))
                {
                    errors.Add($"{Child(path, name)}: Required value");
                }
            }
        }

        if (Properties(schema) is { } props)
        {
            foreach (var (name, value) in obj)
            {
                if (isRoot && name == "metadata")
                {
                    if (value is not JsonObject)
                    {
                        errors.Add($"metadata: Invalid value: {GoFormat.Quote(JsonTypeName(value))}: metadata in body must be of type object: {GoFormat.Quote(JsonTypeName(value))}");
                        typeErrors++;
                    }

                    continue;
                }

                if (props[name] is JsonObject ps)
                {
                    ValidateNode(value, ps, Child(path, name), errors, ref typeErrors);
                }
            }
        }
        else if (schema["additionalProperties"] is JsonObject addl)
        {
            foreach (var (name, value) in obj)
            {
                ValidateNode(value, addl, Child(path, name), errors, ref typeErrors);
            }
        }
    }

    private static void ValidateArray(JsonArray arr, JsonObject schema, string path, List<string> errors, ref int typeErrors)
    {
        if (schema["maxItems"] is { } maxItems && arr.Count > maxItems.GetValue<long>())
        {
            errors.Add($"{path}: Too many: {arr.Count}: must have at most {maxItems.GetValue<long>()} items");
        }

        if (schema["minItems"] is { } minItems && arr.Count < minItems.GetValue<long>())
        {
            errors.Add($"{path}: Invalid value: {arr.Count}: {path} in body should have at least {minItems.GetValue<long>()} items");
        }

        if (schema["items"] is JsonObject items)
        {
            for (var i = 0; i < arr.Count; i++)
            {
                ValidateNode(arr[i], items, Index(path, i), errors, ref typeErrors);
            }
        }

        var listType = schema["x-kubernetes-list-type"]?.GetValue<string>();
        if (listType == "set")
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < arr.Count; i++)
            {
                if (!seen.Add(arr[i]?.ToJsonString() ?? "null"))
                {
                    errors.Add($"{Index(path, i)}: Duplicate value: {GoFormat.Value(arr[i])}");
                }
            }
        }
        else if (listType == "map" && schema["x-kubernetes-list-map-keys"] is JsonArray keys)
        {
            var keyNames = keys.Select(k => k!.GetValue<string>()).ToList();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < arr.Count; i++)
            {
                if (arr[i] is not JsonObject item)
                {
                    continue;
                }

                var key = new JsonObject();
                foreach (var k in keyNames)
                {
                    if (item[k] is { } kv)
                    {
                        key[k] = kv.DeepClone();
                    }
                }

                if (!seen.Add(key.ToJsonString()))
                {
                    errors.Add($"{Index(path, i)}: Duplicate value: {GoMapLiteral(key)}");
                }
            }
        }
    }

    private static void ValidateScalar(JsonValue value, JsonObject schema, string path, List<string> errors)
    {
        var kind = value.GetValueKind();
        if (kind == JsonValueKind.String)
        {
            var s = value.GetValue<string>();
            var length = s.EnumerateRunes().Count();
            if (schema["maxLength"] is { } maxLength && length > maxLength.GetValue<long>())
            {
                var max = maxLength.GetValue<long>();
                errors.Add($"{path}: Too long: may not be more than {max} byte{(max == 1 ? string.Empty : "s")}");
            }

            if (schema["minLength"] is { } minLength && length < minLength.GetValue<long>())
            {
                errors.Add($"{path}: Invalid value: {GoFormat.Quote(s)}: {path} in body should be at least {minLength.GetValue<long>()} chars long");
            }

            if (schema["pattern"] is { } pattern && !Regex.IsMatch(s, pattern.GetValue<string>(), RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                errors.Add($"{path}: Invalid value: {GoFormat.Quote(s)}: {path} in body should match '{pattern.GetValue<string>()}'");
            }

            if (schema["format"]?.GetValue<string>() == "date-time" && !IsDateTime(s))
            {
                errors.Add($"{path}: Invalid value: {GoFormat.Quote(s)}: {path} in body must be of type date-time: {GoFormat.Quote(s)}");
            }
        }
        else if (kind == JsonValueKind.Number)
        {
            var d = ToDouble(value);
            if (schema["maximum"] is JsonValue max)
            {
                var m = ToDouble(max);
                var exclusive = schema["exclusiveMaximum"]?.GetValue<bool>() == true;
                if (exclusive ? d >= m : d > m)
                {
                    errors.Add($"{path}: Invalid value: {GoFormat.Number(value)}: {path} in body should be less than {(exclusive ? string.Empty : "or equal to ")}{GoFormat.Float(m)}");
                }
            }

            if (schema["minimum"] is JsonValue min)
            {
                var m = ToDouble(min);
                var exclusive = schema["exclusiveMinimum"]?.GetValue<bool>() == true;
                if (exclusive ? d <= m : d < m)
                {
                    errors.Add($"{path}: Invalid value: {GoFormat.Number(value)}: {path} in body should be greater than {(exclusive ? string.Empty : "or equal to ")}{GoFormat.Float(m)}");
                }
            }
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value) || NumbersEqual(a, value)))
        {
            var values = string.Join(", ", allowed.Select(a => a is JsonValue av && av.GetValueKind() == JsonValueKind.String
                ? GoFormat.Quote(av.GetValue<string>())
                : GoFormat.Quote(a?.ToJsonString() ?? "null")));
            errors.Add($"{path}: Unsupported value: {GoFormat.Value(value)}: supported values: {values}");
        }
    }

    // ---- CEL ----

    private void EvaluateRules(JsonNode? node, JsonNode? old, bool hasOld, JsonObject schema, string path, List<string> errors)
    {
        if (node is null)
        {
            return;
        }

        if (schema["x-kubernetes-validations"] is JsonArray rules)
        {
            var type = schema["type"]?.GetValue<string>() ?? "object";
            foreach (var r in rules.OfType<JsonObject>())
            {
                var rule = r["rule"]!.GetValue<string>();
                var isTransition = OldSelfPattern().IsMatch(rule);
                if (isTransition && !hasOld)
                {
                    continue;
                }

                var errPath = path;
                if (r["fieldPath"]?.GetValue<string>() is { Length: > 0 } fieldPath)
                {
                    errPath = path.Length == 0 ? fieldPath.TrimStart('.') : path + fieldPath;
                }

                var message = r["message"]?.GetValue<string>() ?? $"failed rule: {rule}";
                try
                {
                    var ok = _cel!.Evaluate(rule, ToCel(node, schema), isTransition ? ToCel(old, schema) : null, isTransition);
                    if (!ok)
                    {
                        errors.Add($"{errPath}: Invalid value: {GoFormat.Quote(type)}: {message}");
                    }
                }
                catch (CelEvaluationException e)
                {
                    errors.Add($"{errPath}: Invalid value: {GoFormat.Quote(type)}: rule evaluation error: {e.Message}");
                }
            }
        }

        if (node is JsonObject obj && Properties(schema) is { } props)
        {
            foreach (var (name, value) in obj)
            {
                if (props[name] is JsonObject ps && !(path.Length == 0 && name == "metadata"))
                {
                    var oldObj = hasOld ? old as JsonObject : null;
                    var oldHas = oldObj is not null && oldObj.ContainsKey(name);
                    EvaluateRules(value, oldHas ? oldObj![name] : null, oldHas, ps, Child(path, name), errors);
                }
            }
        }
        else if (node is JsonArray arr && schema["items"] is JsonObject items)
        {
            var keys = schema["x-kubernetes-list-type"]?.GetValue<string>() == "map"
                ? schema["x-kubernetes-list-map-keys"]?.AsArray().Select(k => k!.GetValue<string>()).ToList()
                : null;
            for (var i = 0; i < arr.Count; i++)
            {
                // Like the API server, only map-list items are correlated with their old version.
                JsonNode? oldItem = null;
                var oldHas = false;
                if (hasOld && keys is not null && old is JsonArray oldArr && arr[i] is JsonObject item)
                {
                    oldItem = oldArr.OfType<JsonObject>().FirstOrDefault(o => keys.All(k => JsonNode.DeepEquals(o[k], item[k])));
                    oldHas = oldItem is not null;
                }

                EvaluateRules(arr[i], oldItem, oldHas, items, Index(path, i), errors);
            }
        }
    }

    /// <summary>Marks integer-typed values so the evaluator gives them CEL type int (not double).</summary>
    private static JsonNode? ToCel(JsonNode? node, JsonObject schema)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var props = Properties(schema);
                var addl = schema["additionalProperties"] as JsonObject;
                var o = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    var ps = props?[name] as JsonObject ?? addl;
                    o[name] = ps is null ? value?.DeepClone() : ToCel(value, ps);
                }

                return o;
            case JsonArray arr:
                var items = schema["items"] as JsonObject;
                return new JsonArray(arr.Select(a => items is null ? a?.DeepClone() : ToCel(a, items)).ToArray());
            case JsonValue v when schema["type"]?.GetValue<string>() == "integer" && v.GetValueKind() == JsonValueKind.Number:
                return new JsonObject { ["$int"] = ((long)ToDouble(v)).ToString(CultureInfo.InvariantCulture) };
            default:
                return node.DeepClone();
        }
    }

    // ---- helpers ----

    private static JsonObject? Properties(JsonObject schema) => schema["properties"] as JsonObject;

    private static bool IsPreserve(JsonObject schema) => schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;

    private static string Child(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string Index(string path, int i) => path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";

    private static string JsonTypeName(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => IsIntegral(v) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "null",
    };

    private static bool TypeMatches(string type, JsonNode node, string actual) => type switch
    {
        "object" => node is JsonObject,
        "array" => node is JsonArray,
        "string" => actual == "string",
        "boolean" => actual == "boolean",
        "integer" => actual == "integer",
        "number" => actual is "number" or "integer",
        _ => true,
    };

    private static bool IsIntegral(JsonValue v)
    {
        if (v.TryGetValue<long>(out _) || v.TryGetValue<int>(out _))
        {
            return true;
        }

        var d = ToDouble(v);
        return Math.Abs(d % 1) == 0 && Math.Abs(d) < 9.2e18;
    }

    private static double ToDouble(JsonValue v)
    {
        if (v.TryGetValue<double>(out var d))
        {
            return d;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (v.TryGetValue<decimal>(out var m))
        {
            return (double)m;
        }

        return v.GetValue<JsonElement>().GetDouble();
    }

    private static bool NumbersEqual(JsonNode? a, JsonValue b) =>
        a is JsonValue av && av.GetValueKind() == JsonValueKind.Number && b.GetValueKind() == JsonValueKind.Number && ToDouble(av) == ToDouble(b);

    private static bool IsDateTime(string s) =>
        DateTimeRegex().IsMatch(s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _);

    /// <summary>Go's %#v of a map[string]interface{}, as the API server prints a duplicate list-map key.</summary>
    private static string GoMapLiteral(JsonObject key)
    {
        var parts = key.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => GoFormat.Quote(p.Key) + ":" + GoFormat.Value(p.Value));
        return "map[string]interface {}{" + string.Join(", ", parts) + "}";
    }

    [GeneratedRegex(@"\boldSelf\b")]
    private static partial Regex OldSelfPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimeRegex();
}
