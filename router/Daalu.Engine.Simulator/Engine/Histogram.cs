using System.Globalization;
using System.Text;

namespace Daalu.Engine.Simulator.Engine;

/// <summary>A Prometheus histogram (cumulative buckets, sum, count) with fixed upper bounds.</summary>
public sealed class Histogram(string name, string help, IReadOnlyList<double> bounds)
{
    private readonly long[] _counts = new long[bounds.Count];

    /// <summary>Metric name.</summary>
    public string Name { get; } = name;

    /// <summary>Observations.</summary>
    public long Count { get; private set; }

    /// <summary>Sum of observations.</summary>
    public double Sum { get; private set; }

    /// <summary>Records a value.</summary>
    public void Observe(double value)
    {
        for (var i = 0; i < bounds.Count; i++)
        {
            if (value <= bounds[i])
            {
                _counts[i]++;
            }
        }

        Count++;
        Sum += value;
    }

    /// <summary>vLLM's build_1_2_5_buckets: 1, 2, 5, 10, 20, 50, ... up to <paramref name="max"/>.</summary>
    public static IReadOnlyList<double> OneTwoFive(int max)
    {
        var list = new List<double>();
        for (var exp = 1.0; ; exp *= 10)
        {
            foreach (var m in (int[])[1, 2, 5])
            {
                if (m * exp > max)
                {
                    return list;
                }

                list.Add(m * exp);
            }
        }
    }

    /// <summary>Appends HELP, TYPE, buckets, sum and count with the given label text (e.g. engine="0",model_name="m").</summary>
    public void Write(StringBuilder sb, string labels)
    {
        ArgumentNullException.ThrowIfNull(sb);
        var c = CultureInfo.InvariantCulture;
        sb.Append(c, $"# HELP {Name} {help}\n# TYPE {Name} histogram\n");
        for (var i = 0; i < bounds.Count; i++)
        {
            sb.Append(c, $"{Name}_bucket{{{labels},le=\"{bounds[i]:0.0##}\"}} {_counts[i]:0.0}\n");
        }

        sb.Append(c, $"{Name}_bucket{{{labels},le=\"+Inf\"}} {Count:0.0}\n");
        sb.Append(c, $"{Name}_count{{{labels}}} {Count:0.0}\n");
        sb.Append(c, $"{Name}_sum{{{labels}}} {Sum:0.0#####}\n");
    }
}
