using System.Globalization;
using System.Text;

namespace Daalu.Router.WebConsole.Metrics;

/// <summary>
/// Parses Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats): comment and
/// blank lines skipped, <c>name{label="value",...} value [timestamp]</c>, label values with \\, \" and \n escapes,
/// NaN and +Inf/-Inf values. Malformed lines are skipped rather than failing the whole scrape.
/// </summary>
internal static class PromParser
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>(StringComparer.Ordinal);

    public static List<PromSample> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PromSample>();
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            if (TryParseLine(line, out var sample))
            {
                samples.Add(sample);
            }
        }

        return samples;
    }

    private static bool TryParseLine(ReadOnlySpan<char> line, out PromSample sample)
    {
        sample = null!;
        var nameEnd = line.IndexOfAny('{', ' ', '\t');
        if (nameEnd <= 0)
        {
            return false;
        }

        var name = line[..nameEnd].ToString();
        var rest = line[nameEnd..];
        var labels = NoLabels;
        if (rest[0] == '{')
        {
            var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
            var i = 1;
            while (i < rest.Length && rest[i] != '}')
            {
                var eq = rest[i..].IndexOf('=');
                if (eq < 0 || i + eq + 1 >= rest.Length || rest[i + eq + 1] != '"')
                {
                    return false;
                }

                var key = rest.Slice(i, eq).Trim().ToString();
                i += eq + 2;
                var value = new StringBuilder();
                while (i < rest.Length && rest[i] != '"')
                {
                    if (rest[i] == '\\' && i + 1 < rest.Length)
                    {
                        i++;
                        value.Append(rest[i] == 'n' ? '\n' : rest[i]);
                    }
                    else
                    {
                        value.Append(rest[i]);
                    }

                    i++;
                }

                if (i >= rest.Length)
                {
                    return false;
                }

                parsed[key] = value.ToString();
                i++;
                while (i < rest.Length && (rest[i] == ',' || rest[i] == ' '))
                {
                    i++;
                }
            }

            if (i >= rest.Length)
            {
                return false;
            }

            labels = parsed;
            rest = rest[(i + 1)..];
        }

        rest = rest.Trim();
        var space = rest.IndexOfAny(' ', '\t');
        var valueText = space < 0 ? rest : rest[..space];
        if (!TryParseValue(valueText, out var v))
        {
            return false;
        }

        sample = new PromSample(name, labels, v);
        return true;
    }

    private static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
