using System.Globalization;

namespace Daalu.Router.Backends;

/// <summary>Reads the few vLLM gauges the router needs from Prometheus text exposition format.</summary>
public static class PrometheusText
{
    /// <summary>Saturation facts summed over engines/models (max for the cache fraction); null when absent.</summary>
    public static (double? KvCacheUsage, double? RequestsWaiting) ReadSaturation(ReadOnlySpan<char> text)
    {
        double? kv = null, legacyKv = null, waiting = null;
        foreach (var raw in text.EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            if (TryValue(line, "vllm:kv_cache_usage_perc", out var v))
            {
                kv = Math.Max(kv ?? 0, v);
            }
            else if (TryValue(line, "vllm:gpu_cache_usage_perc", out v))
            {
                legacyKv = Math.Max(legacyKv ?? 0, v);
            }
            else if (TryValue(line, "vllm:num_requests_waiting", out v))
            {
                waiting = (waiting ?? 0) + v;
            }
        }

        return (kv ?? legacyKv, waiting);
    }

    private static bool TryValue(ReadOnlySpan<char> line, string name, out double value)
    {
        value = 0;
        if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length)
        {
            return false;
        }

        var rest = line[name.Length..];
        if (rest[0] == '{')
        {
            var close = rest.IndexOf('}');
            if (close < 0)
            {
                return false;
            }

            rest = rest[(close + 1)..];
        }
        else if (rest[0] != ' ')
        {
            return false;
        }

        rest = rest.Trim();
        var space = rest.IndexOf(' ');
        if (space > 0)
        {
            rest = rest[..space]; // drop an optional timestamp
        }

        return double.TryParse(rest, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
    }
}
