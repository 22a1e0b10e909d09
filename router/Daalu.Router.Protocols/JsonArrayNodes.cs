using System.Text.Json.Nodes;

namespace Daalu.Router;

/// <summary>
/// Appends a node to a JSON array through <see cref="JsonArray.Add(JsonNode?)"/>. Passing a <see cref="JsonObject"/>
/// straight to <c>Add</c> binds to the generic <c>Add&lt;T&gt;</c>, which is marked as needing reflection and run-time
/// code (IL2026/IL3050 under trimming and NativeAOT) because it may wrap an arbitrary T in a JsonValue.
/// </summary>
internal static class JsonArrayNodes
{
    public static void AddNode(this JsonArray array, JsonNode? node) => array.Add(node);
}
