using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Daalu.Api.Schema;
using k8s.Models;

namespace Daalu.CrdGen;

/// <summary>Builds a structural OpenAPI v3 schema from a C# type by reflection.</summary>
/// <remarks>
/// Sources: [JsonPropertyName] (field names), DataAnnotations ([Required], [Range], [MinLength], [MaxLength],
/// [RegularExpression]), Daalu.Api.Schema ([EnumValues], [Schema], [CelRule]) and the XML doc summaries
/// (descriptions). Properties without [JsonPropertyName] are not part of the API and are skipped.
/// </remarks>
public sealed class SchemaBuilder
{
    private readonly XmlDocs _docs;

    /// <summary>Creates a builder that takes descriptions from <paramref name="docs"/>.</summary>
    public SchemaBuilder(XmlDocs docs) => _docs = docs;

    /// <summary>The schema of an object type: its properties, required list and CEL rules.</summary>
    public JsonObject ObjectSchema(Type type, string? description)
    {
        ArgumentNullException.ThrowIfNull(type);
        var schema = new JsonObject();
        if (description is not null)
        {
            schema["description"] = description;
        }

        schema["type"] = "object";
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            var jsonName = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (jsonName is null)
            {
                continue;
            }

            properties[jsonName] = PropertySchema(p);
            if (p.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(jsonName);
            }
        }

        if (properties.Count > 0)
        {
            schema["properties"] = properties;
        }

        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        AddRules(schema, type.GetCustomAttributes<CelRuleAttribute>());
        return schema;
    }

    private JsonObject PropertySchema(PropertyInfo p)
    {
        var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
        var description = _docs.Of(p);
        var schemaAttr = p.GetCustomAttribute<SchemaAttribute>();
        var enumValues = p.GetCustomAttribute<EnumValuesAttribute>();
        JsonObject schema;

        if (ItemType(type) is { } itemType)
        {
            schema = new JsonObject();
            if (description is not null)
            {
                schema["description"] = description;
            }

            schema["type"] = "array";
            var items = TypeSchema(itemType, description: IsScalar(itemType) ? null : _docs.Of(itemType));
            if (enumValues is not null)
            {
                AddEnum(items, enumValues);
            }

            if (schemaAttr is { MaxItemLength: >= 0 })
            {
                items["maxLength"] = schemaAttr.MaxItemLength;
            }

            if (schemaAttr?.ItemPattern is { } itemPattern)
            {
                items["pattern"] = itemPattern;
            }

            if (schemaAttr?.DefaultJson is { } defJson)
            {
                schema["default"] = JsonNode.Parse(defJson);
            }

            if (schemaAttr is { MinItems: >= 0 })
            {
                schema["minItems"] = schemaAttr.MinItems;
            }

            if (schemaAttr is { MaxItems: >= 0 })
            {
                schema["maxItems"] = schemaAttr.MaxItems;
            }

            schema["items"] = items;
            if (schemaAttr?.ListType is { } listType)
            {
                schema["x-kubernetes-list-type"] = listType;
                if (schemaAttr.ListMapKeys.Length > 0)
                {
                    schema["x-kubernetes-list-map-keys"] = new JsonArray(schemaAttr.ListMapKeys.Select(k => (JsonNode)k).ToArray());
                }
            }
        }
        else if (IsScalar(type))
        {
            schema = TypeSchema(type, description);
            if (schemaAttr?.Format is { } format)
            {
                schema["format"] = format;
            }

            if (schemaAttr?.DefaultJson is { } defJson)
            {
                schema["default"] = JsonNode.Parse(defJson);
            }

            if (enumValues is not null)
            {
                AddEnum(schema, enumValues);
            }

            if (p.GetCustomAttribute<RangeAttribute>() is { } range)
            {
                AddBound(schema, "minimum", range.Minimum);
                AddBound(schema, "maximum", range.Maximum);
            }

            if (p.GetCustomAttribute<MinLengthAttribute>() is { } minLength)
            {
                schema["minLength"] = minLength.Length;
            }

            if (p.GetCustomAttribute<MaxLengthAttribute>() is { } maxLength)
            {
                schema["maxLength"] = maxLength.Length;
            }

            if (p.GetCustomAttribute<RegularExpressionAttribute>() is { } regex)
            {
                schema["pattern"] = regex.Pattern;
            }
        }
        else
        {
            schema = type == typeof(V1ObjectMeta)
                ? new JsonObject { ["description"] = description, ["type"] = "object" }
                : ObjectSchema(type, description ?? _docs.Of(type));
            if (schemaAttr?.DefaultJson is { } defJson)
            {
                // Keep "default" right after "type" so the reference reads well.
                var rest = schema.Where(kv => kv.Key is not ("description" or "type")).Select(kv => kv.Key).ToList();
                var moved = rest.Select(k => (k, schema[k]!.DeepClone())).ToList();
                foreach (var k in rest)
                {
                    schema.Remove(k);
                }

                schema["default"] = JsonNode.Parse(defJson);
                foreach (var (k, v) in moved)
                {
                    schema[k] = v;
                }
            }
        }

        if (schemaAttr is { PreserveUnknownFields: true })
        {
            schema["x-kubernetes-preserve-unknown-fields"] = true;
        }

        // CEL rules on a property sit on the property's own schema (self is the property's value).
        var rules = p.GetCustomAttributes<CelRuleAttribute>().ToList();
        if (rules.Count > 0)
        {
            var existing = schema["x-kubernetes-validations"] as JsonArray;
            schema.Remove("x-kubernetes-validations");
            var all = new JsonArray();
            foreach (var r in rules)
            {
                all.Add(Rule(r));
            }

            if (existing is not null)
            {
                foreach (var r in existing.ToList())
                {
                    existing.Remove(r);
                    all.Add(r);
                }
            }

            schema["x-kubernetes-validations"] = all;
        }

        return schema;
    }

    private JsonObject TypeSchema(Type type, string? description)
    {
        if (!IsScalar(type))
        {
            return ObjectSchema(type, description);
        }

        var schema = new JsonObject();
        if (description is not null)
        {
            schema["description"] = description;
        }

        switch (Type.GetTypeCode(type))
        {
            case TypeCode.String:
                schema["type"] = "string";
                break;
            case TypeCode.Boolean:
                schema["type"] = "boolean";
                break;
            case TypeCode.Int16 or TypeCode.Int32:
                schema["type"] = "integer";
                schema["format"] = "int32";
                break;
            case TypeCode.Int64:
                schema["type"] = "integer";
                schema["format"] = "int64";
                break;
            case TypeCode.Double or TypeCode.Single:
                schema["type"] = "number";
                schema["format"] = "double";
                break;
            case TypeCode.Decimal:
                schema["type"] = "number";
                break;
            default:
                if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
                {
                    schema["type"] = "string";
                    schema["format"] = "date-time";
                    break;
                }

                throw new NotSupportedException($"no OpenAPI mapping for {type}");
        }

        return schema;
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTimeOffset) || type == typeof(DateTime);

    private static Type? ItemType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1)
        {
            return type.GetGenericArguments()[0];
        }

        return null;
    }

    private static void AddEnum(JsonObject schema, EnumValuesAttribute values) =>
        schema["enum"] = new JsonArray(values.Values.Select(v => (JsonNode)v).ToArray());

    private static void AddBound(JsonObject schema, string key, object bound)
    {
        switch (bound)
        {
            case int i:
                schema[key] = i;
                break;
            case long l:
                schema[key] = l;
                break;
            case double d when Math.Abs(d) >= 9e18:
                // Range(0, long.MaxValue) means "no upper bound"; int64 already caps it.
                break;
            case double d when d == Math.Floor(d):
                schema[key] = (long)d;
                break;
            case double d:
                schema[key] = d;
                break;
            default:
                throw new NotSupportedException($"unsupported Range bound {bound}");
        }
    }

    private static void AddRules(JsonObject schema, IEnumerable<CelRuleAttribute> rules)
    {
        var list = rules.Select(Rule).ToArray();
        if (list.Length > 0)
        {
            schema["x-kubernetes-validations"] = new JsonArray(list);
        }
    }

    private static JsonObject Rule(CelRuleAttribute r)
    {
        var rule = new JsonObject { ["rule"] = r.Rule, ["message"] = r.Message };
        if (r.FieldPath is not null)
        {
            rule["fieldPath"] = r.FieldPath;
        }

        return rule;
    }
}
