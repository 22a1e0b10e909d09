using System.Text.Json.Nodes;

namespace Daalu.Engine.Simulator.Server;

/// <summary>
/// Decides, deterministically, whether a simulated reply is a tool call and builds its arguments. A tool is called when
/// tool_choice names it or is "required", or (tool_choice auto/absent) when the last user message names the function
/// (its name, or its name with underscores read as spaces). Arguments hold every property the schema lists as
/// required, with a value of the declared type (first enum value when there is one). Follows the shape vLLM returns with
/// --enable-auto-tool-choice: message.tool_calls[{id, type: function, function: {name, arguments (a JSON string)}}].
/// </summary>
public static class ToolCallBuilder
{
    /// <summary>The function to call, or null for a text reply.</summary>
    public static JsonObject? Choose(JsonArray? tools, JsonNode? toolChoice, string lastUserText)
    {
        if (tools is not { Count: > 0 })
        {
            return null;
        }

        var functions = tools.OfType<JsonObject>().Select(t => t["function"] as JsonObject).OfType<JsonObject>().ToList();
        if (toolChoice is JsonValue v && v.TryGetValue<string>(out var mode))
        {
            if (mode == "none")
            {
                return null;
            }

            if (mode == "required")
            {
                return functions.FirstOrDefault(f => Mentions(lastUserText, f)) ?? functions.FirstOrDefault();
            }
        }
        else if (toolChoice is JsonObject named && named["function"]?["name"]?.GetValue<string>() is { } wanted)
        {
            return functions.FirstOrDefault(f => f["name"]?.GetValue<string>() == wanted);
        }

        return functions.FirstOrDefault(f => Mentions(lastUserText, f));
    }

    /// <summary>Arguments for <paramref name="function"/>: its schema's required properties, each with a typed value.</summary>
    public static JsonObject Arguments(JsonObject function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var args = new JsonObject();
        var parameters = function["parameters"] as JsonObject;
        var props = parameters?["properties"] as JsonObject;
        foreach (var req in (parameters?["required"] as JsonArray ?? []).OfType<JsonValue>())
        {
            var name = req.GetValue<string>();
            args[name] = ValueFor(name, props?[name] as JsonObject);
        }

        return args;
    }

    private static JsonNode ValueFor(string name, JsonObject? schema)
    {
        if (schema?["enum"] is JsonArray { Count: > 0 } e)
        {
            return e[0]!.DeepClone();
        }

        return (schema?["type"] as JsonValue)?.GetValue<string>() switch
        {
            "integer" => JsonValue.Create(1),
            "number" => JsonValue.Create(1.5),
            "boolean" => JsonValue.Create(true),
            "array" => new JsonArray(),
            "object" => Arguments(new JsonObject { ["parameters"] = schema!.DeepClone() }),
            _ => JsonValue.Create($"simulated {name}"),
        };
    }

    private static bool Mentions(string text, JsonObject function)
    {
        var name = function["name"]?.GetValue<string>();
        return !string.IsNullOrEmpty(name)
            && (text.Contains(name, StringComparison.OrdinalIgnoreCase) || text.Contains(name.Replace('_', ' '), StringComparison.OrdinalIgnoreCase));
    }
}
