namespace Daalu.Classifier.Trainer;

/// <summary>Expands hack/classifier/data/templates.txt into labelled prompts with a fixed seed.</summary>
internal static class TemplateCorpus
{
    public static List<(string Text, int Rating)> Expand(string path, int samplesPerTemplate, int seed)
    {
        var slots = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var templates = new List<(int Rating, string Text)>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '[')
            {
                var close = line.IndexOf(']', StringComparison.Ordinal);
                slots[line[1..close]] = [.. line[(close + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            }
            else
            {
                templates.Add((line[0] - '0', line[2..]));
            }
        }

        var random = new Random(seed);
        var samples = new List<(string, int)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (rating, template) in templates)
        {
            // A template without slots is one sample; with slots, up to samplesPerTemplate distinct fillings (the
            // attempt bound keeps a template with few slot values from spinning).
            var want = template.Contains('{', StringComparison.Ordinal) ? samplesPerTemplate : 1;
            var added = 0;
            for (var attempt = 0; attempt < want * 4 && added < want; attempt++)
            {
                var text = Fill(template, slots, random);
                if (seen.Add(text))
                {
                    samples.Add((text, rating));
                    added++;
                }
            }
        }

        return samples;
    }

    private static string Fill(string template, Dictionary<string, string[]> slots, Random random)
    {
        var result = new System.Text.StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                result.Append(template, i, template.Length - i);
                break;
            }

            var close = template.IndexOf('}', open);
            result.Append(template, i, open - i);
            var values = slots[template[(open + 1)..close]];
            result.Append(values[random.Next(values.Length)]);
            i = close + 1;
        }

        return result.ToString();
    }
}
