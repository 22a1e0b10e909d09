using System.Text.Json;

namespace Daalu.Classifier.Trainer;

/// <summary>
/// Reads the public training data written by hack/classifier/public-data/build.py: one JSON object per line with
/// <c>text</c>, <c>rating</c> (1..3), <c>source</c> and <c>split</c> (<c>train</c> or <c>dev</c>).
/// </summary>
internal static class PublicCorpus
{
    public static List<LabelledText> Read(string path)
    {
        var records = new List<LabelledText>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            records.Add(new LabelledText(
                root.GetProperty("text").GetString()!,
                root.GetProperty("rating").GetInt32(),
                root.GetProperty("source").GetString()!,
                root.GetProperty("split").GetString() == "dev"));
        }

        return records;
    }
}
