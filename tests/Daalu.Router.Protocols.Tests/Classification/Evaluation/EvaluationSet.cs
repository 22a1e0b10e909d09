using System.Text.Json.Nodes;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

/// <summary>Reads the held-out sets (heldout-a-*.txt, heldout-b.txt next to this file, copied to the test output) and turns a case into a chat body.</summary>
public static class EvaluationSet
{
    /// <summary>Every case of set "a" or "b" (files heldout-{set}*.txt), in file then record order.</summary>
    public static IReadOnlyList<EvaluationCase> Load(string set)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Classification", "Evaluation");
        var cases = new List<EvaluationCase>();
        foreach (var file in Directory.GetFiles(dir, $"heldout-{set}*.txt").Order(StringComparer.Ordinal))
        {
            cases.AddRange(Parse(File.ReadAllText(file)));
        }

        return cases;
    }

    /// <summary>Parses one file of the format described in its header.</summary>
    public static IReadOnlyList<EvaluationCase> Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var cases = new List<EvaluationCase>();
        string? header = null;
        var turns = new List<(string Role, string Text)>();
        var role = "user";
        var text = new List<string>();
        void EndTurn()
        {
            if (text.Count > 0)
            {
                turns.Add((role, string.Join('\n', text).Trim('\n')));
            }

            text.Clear();
        }

        void EndCase()
        {
            EndTurn();
            if (header is not null)
            {
                cases.Add(Header(header, [.. turns]));
            }

            turns.Clear();
            role = "user";
        }

        foreach (var line in content.Split('\n'))
        {
            if (line.StartsWith("=== ", StringComparison.Ordinal))
            {
                EndCase();
                header = line;
            }
            else if (header is null)
            {
                continue;
            }
            else if (line.StartsWith("--- ", StringComparison.Ordinal) && line.Length < 20 && !line.Contains('/', StringComparison.Ordinal) && !line.Contains('.', StringComparison.Ordinal))
            {
                EndTurn();
                role = line[4..].Trim();
            }
            else
            {
                text.Add(line.TrimEnd('\r'));
            }
        }

        EndCase();
        return cases;
    }

    /// <summary>The case as an OpenAI chat body (tool turns become tool messages).</summary>
    public static JsonObject ToChatBody(EvaluationCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var messages = new JsonArray();
        foreach (var (role, text) in c.Turns)
        {
            var message = new JsonObject { ["role"] = role, ["content"] = text };
            if (role == "tool")
            {
                message["tool_call_id"] = "call_1";
            }

            messages.Add(message);
        }

        return new JsonObject { ["model"] = "auto", ["messages"] = messages };
    }

    private static EvaluationCase Header(string header, IReadOnlyList<(string, string)> turns)
    {
        var parts = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string Field(string name) => parts.First(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];
        return new EvaluationCase(parts[1], Field("code") == "y", int.Parse(Field("difficulty"), System.Globalization.CultureInfo.InvariantCulture), Field("category"), turns);
    }
}
