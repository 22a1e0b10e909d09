using System.Globalization;

namespace Daalu.Bench.Operator;

/// <summary>Command-line settings of the operator benchmark driver.</summary>
internal sealed class BenchOptions
{
    public string OperatorPath { get; private set; } = string.Empty;

    public string Crds { get; private set; } = "crds";

    public int Nodes { get; private set; } = 100;

    public int Servings { get; private set; } = 1000;

    public int? OperatorCpu { get; private set; }

    public double QuietSeconds { get; private set; } = 3;

    public double TimeoutSeconds { get; private set; } = 120;

    /// <summary>Evaluate the CRDs' CEL rules in the test server (a node child process); off by default so the server stays fast.</summary>
    public bool Cel { get; private set; }

    /// <summary>
    /// Run the test server's ownerReference garbage collector. On by default, as in a real cluster: the collector is
    /// incremental (it tests only a removed owner's dependents and objects written with an unresolved owner), so it
    /// costs O(1) per create. It used to scan every stored object inside every create (35 % of the driver's CPU),
    /// which is why this was once off by default; --server-gc false still turns it off.
    /// </summary>
    public bool ServerGc { get; private set; } = true;

    public string? Out { get; private set; }

    public static BenchOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"option {name} needs a value");
            }

            var value = args[++i];
            switch (name)
            {
                case "--operator": o.OperatorPath = value; break;
                case "--crds": o.Crds = value; break;
                case "--nodes": o.Nodes = Int(name, value, 1, 10_000); break;
                case "--servings": o.Servings = Int(name, value, 0, 100_000); break;
                case "--operator-cpu": o.OperatorCpu = Int(name, value, 0, 1023); break;
                case "--quiet-s": o.QuietSeconds = Int(name, value, 1, 600); break;
                case "--timeout-s": o.TimeoutSeconds = Int(name, value, 1, 3600); break;
                case "--cel": o.Cel = bool.Parse(value); break;
                case "--server-gc": o.ServerGc = bool.Parse(value); break;
                case "--out": o.Out = value; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (!File.Exists(o.OperatorPath))
        {
            throw new ArgumentException($"--operator must name the operator's executable, '{o.OperatorPath}' does not exist");
        }

        if (!Directory.Exists(o.Crds))
        {
            throw new ArgumentException($"--crds: no directory '{o.Crds}'");
        }

        return o;
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{name} must be an integer in [{min}, {max}], got '{value}'");
}
