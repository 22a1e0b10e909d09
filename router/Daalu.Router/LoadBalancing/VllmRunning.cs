using System.Globalization;

namespace Daalu.Router.LoadBalancing;

/// <summary>Reads vllm:num_requests_running (summed over engines and models) from Prometheus text exposition format.</summary>
public static class VllmRunning
{
    private const string Name = "vllm:num_requests_running";

    /// <summary>The sum, or null when the gauge is absent.</summary>
    public static double? Read(ReadOnlySpan<char> text)
    {
        double? sum = null;
        foreach (var raw in text.EnumerateLines())
        {
            var line = raw.Trim();
            if (!line.StartsWith(Name, StringComparison.Ordinal) || line.Length == Name.Length)
            {
                continue;
            }

            var rest = line[Name.Length..];
            if (rest[0] == '{')
            {
                var close = rest.IndexOf('}');
                if (close < 0)
                {
                    continue;
                }

                rest = rest[(close + 1)..];
            }
            else if (rest[0] != ' ')
            {
                continue;
            }

            rest = rest.Trim();
            var space = rest.IndexOf(' ');
            if (space > 0)
            {
                rest = rest[..space];
            }

            if (double.TryParse(rest, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && !double.IsNaN(v))
            {
                sum = (sum ?? 0) + v;
            }
        }

        return sum;
    }
}
