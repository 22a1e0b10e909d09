using System.Text.Json;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

/// <summary>
/// A difficulty-labelled set built outside the repository from public data (set H: hack/classifier/heldout-h/build.py),
/// one JSON object per line with <c>id</c>, <c>source</c>, <c>category</c>, <c>rating</c> (the label, 1..3) and
/// <c>text</c> (one user turn); found through an environment variable naming the built file.
/// </summary>
public static class HeldOutDifficultyFile
{
    /// <summary>One record.</summary>
    public sealed record Record(string Id, string Source, string Category, int Rating, string Text);

    /// <summary>The records of the file <paramref name="variable"/> names, or null (with the reason) when it is not built here.</summary>
    public static IReadOnlyList<Record>? Load(string variable, out string reason)
    {
        var path = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            reason = $"{variable} does not name a built file (see hack/classifier/heldout-h or heldout-j: build.py and MANIFEST.md)";
            return null;
        }

        reason = string.Empty;
        return Read(path);
    }

    /// <summary>Reads a built file.</summary>
    public static IReadOnlyList<Record> Read(string path)
    {
        var records = new List<Record>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            records.Add(new Record(r.GetProperty("id").GetString()!, r.GetProperty("source").GetString()!, r.GetProperty("category").GetString()!,
                r.GetProperty("rating").GetInt32(), r.GetProperty("text").GetString()!));
        }

        return records;
    }
}
