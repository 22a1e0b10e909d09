using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>
/// Field errors worded as k8s.io/apimachinery/pkg/util/validation/field/errors.go renders them (ErrorBody): the type
/// ("Invalid value", "Required value", ...), then the bad value (strings quoted as Go's %q, numbers and booleans as is,
/// anything else as JSON), then ": " and the detail. The reason codes are those of Status causes (FieldValueInvalid...).
/// </summary>
internal static class FieldErrors
{
    public static FieldCause Invalid(string field, object? value, string detail) =>
        new("FieldValueInvalid", $"Invalid value: {Render(value)}: {detail}", field);

    public static FieldCause Required(string field, string detail = "") =>
        new("FieldValueRequired", detail.Length == 0 ? "Required value" : "Required value: " + detail, field);

    public static FieldCause NotSupported(string field, object? value, params string[] supported) =>
        new("FieldValueNotSupported", $"Unsupported value: {Render(value)}: supported values: {string.Join(", ", supported.Select(Quote))}", field);

    public static FieldCause Duplicate(string field, object? value) =>
        new("FieldValueDuplicate", $"Duplicate value: {Render(value)}", field);

    public static FieldCause NotFound(string field, object? value) =>
        new("FieldValueNotFound", $"Not found: {Render(value)}", field);

    public static FieldCause TooLong(string field, int maxLength) =>
        new("FieldValueTooLong", string.Create(CultureInfo.InvariantCulture, $"Too long: may not be more than {maxLength} bytes"), field);

    public static FieldCause Forbidden(string field, string detail) =>
        new("FieldValueForbidden", "Forbidden: " + detail, field);

    /// <summary>Go's %q for the strings the operator writes (printable ASCII and common escapes).</summary>
    public static string Quote(string s)
    {
        var b = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            b.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when c < ' ' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => c.ToString(),
            });
        }

        return b.Append('"').ToString();
    }

    private static string Render(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        long or int or double => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        JsonNode n => Sorted(n).ToJsonString(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
    };

    // Go's json.Marshal writes a map's keys sorted and a struct's fields in declaration order; the maps among the
    // values rendered here are string maps (labels, selectors' matchLabels), so those are sorted.
    private static JsonNode Sorted(JsonNode node) => node switch
    {
        JsonObject o when o.All(kv => kv.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String) =>
            new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))),
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, kv.Value is null ? null : Sorted(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(e => e is null ? null : Sorted(e)).ToArray()),
        _ => node.DeepClone(),
    };
}
