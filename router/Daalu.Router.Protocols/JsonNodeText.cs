using System.Text.Json.Nodes;

namespace Daalu.Router;

/// <summary>Reads a string from a node that may be missing or of the wrong type, without throwing.</summary>
internal static class JsonNodeText
{
    public static string? AsString(this JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
