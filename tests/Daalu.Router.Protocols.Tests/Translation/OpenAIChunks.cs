using System.Text;
using System.Text.Json.Nodes;

namespace Daalu.Router.Protocols.Tests.Translation;

/// <summary>Reassembles OpenAI chat.completion.chunk payloads the way an OpenAI client does.</summary>
internal static class OpenAIChunks
{
    public static List<string> ConcatenateToolArguments(IEnumerable<string> chunks)
    {
        var arguments = new SortedDictionary<int, StringBuilder>();
        foreach (var chunk in chunks)
        {
            var choices = JsonNode.Parse(chunk)!["choices"]!.AsArray();
            if (choices.Count == 0 || choices[0]!["delta"]!["tool_calls"] is not JsonArray calls)
            {
                continue;
            }

            foreach (var call in calls)
            {
                var index = (int)call!["index"]!;
                if (!arguments.TryGetValue(index, out var builder))
                {
                    arguments[index] = builder = new StringBuilder();
                }

                builder.Append((string?)call["function"]?["arguments"]);
            }
        }

        return arguments.Values.Select(b => b.ToString()).ToList();
    }

    public static string ConcatenateContent(IEnumerable<string> chunks)
    {
        var text = new StringBuilder();
        foreach (var chunk in chunks)
        {
            var choices = JsonNode.Parse(chunk)!["choices"]!.AsArray();
            if (choices.Count > 0 && choices[0]!["delta"]!["content"] is JsonValue content)
            {
                text.Append((string?)content);
            }
        }

        return text.ToString();
    }
}
