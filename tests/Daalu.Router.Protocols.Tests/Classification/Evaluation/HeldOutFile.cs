using System.Text.Json;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

/// <summary>
/// A held-out set built outside the repository from public data (sets C and D: hack/classifier/heldout-*/build.py),
/// one JSON object per line with <c>id</c>, <c>code</c>, <c>category</c> and <c>text</c>; found through an environment
/// variable naming the built file.
/// </summary>
public static class HeldOutFile
{
    /// <summary>One record.</summary>
    public sealed record Record(string Id, bool IsCode, string Category, string Text);

    /// <summary>The records of the file <paramref name="variable"/> names, or null (with the reason) when it is not built here.</summary>
    public static IReadOnlyList<Record>? Load(string variable, out string reason)
    {
        var path = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            reason = $"{variable} does not name a built file (see hack/classifier/heldout-*/build.py)";
            return null;
        }

        reason = string.Empty;
        var records = new List<Record>();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            records.Add(new Record(r.GetProperty("id").GetString()!, r.GetProperty("code").GetBoolean(), r.GetProperty("category").GetString()!, r.GetProperty("text").GetString()!));
        }

        return records;
    }
}
