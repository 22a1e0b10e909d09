using System.Globalization;

namespace Daalu.Operator.Hosting;

/// <summary>The operator's command-line flags (documented in docs/operator.md).</summary>
public sealed record OperatorFlags
{
    /// <summary>Run controllers only while holding the Lease (set for more than one replica).</summary>
    public bool LeaderElect { get; init; }

    /// <summary>The operator's own namespace: where its Lease lives.</summary>
    public string Namespace { get; init; } = Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } ns ? ns : "daalu-system";

    /// <summary>Port of /metrics.</summary>
    public int MetricsPort { get; init; } = 8080;

    /// <summary>Port of /healthz and /readyz.</summary>
    public int ProbePort { get; init; } = 8081;

    /// <summary>Namespace of the NVIDIA device plugin DaemonSet.</summary>
    public string DevicePluginNamespace { get; init; } = "daalu-device-plugin";

    /// <summary>How often served models are polled.</summary>
    public TimeSpan DetectionInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Parallel reconciles per controller.</summary>
    public int Workers { get; init; } = 8;

    /// <summary>
    /// RuntimeClass of GPU pods where a GpuNode sets none: null (the default, or "auto") uses nvidia when a RuntimeClass
    /// of that name exists; an empty value (--gpu-runtime-class=) the nodes' default runtime; a name that RuntimeClass.
    /// </summary>
    public string? GpuRuntimeClass { get; init; }

    /// <summary>The usage text.</summary>
    public const string Usage =
        "daalu-operator [--leader-elect[=true|false]] [--namespace NS] [--metrics-port 8080] [--probe-port 8081] " +
        "[--device-plugin-namespace daalu-device-plugin] [--detection-interval 30s] [--workers 8] " +
        "[--gpu-runtime-class auto|NAME|'']";

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a clear message on bad input.</summary>
    public static OperatorFlags Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var flags = new OperatorFlags();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'. Usage: {Usage}");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg[2..] : arg[2..eq];
            string? inline = eq < 0 ? null : arg[(eq + 1)..];
            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"--{name} needs a value. Usage: {Usage}");
                }

                return args[++i];
            }

            flags = name switch
            {
                "leader-elect" => flags with { LeaderElect = inline is null || ParseBool(name, inline) },
                "namespace" => flags with { Namespace = DnsLabel(name, Value()) },
                "metrics-port" => flags with { MetricsPort = Port(name, Value()) },
                "probe-port" => flags with { ProbePort = Port(name, Value()) },
                "device-plugin-namespace" => flags with { DevicePluginNamespace = DnsLabel(name, Value()) },
                "detection-interval" => flags with { DetectionInterval = Interval(name, Value()) },
                "workers" => flags with { Workers = WorkerCount(name, Value()) },
                "gpu-runtime-class" => flags with { GpuRuntimeClass = RuntimeClass(name, Value()) },
                _ => throw new ArgumentException($"unknown flag --{name}. Usage: {Usage}"),
            };
        }

        return flags;
    }

    private static bool ParseBool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new ArgumentException($"--{name} must be true or false, not '{value}'"),
    };

    private static int Port(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new ArgumentException($"--{name} must be a port number 1-65535, not '{value}'");

    private static int WorkerCount(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var workers) && workers is >= 1 and <= 64
            ? workers
            : throw new ArgumentException($"--{name} must be a number of workers 1-64, not '{value}'");

    // "auto" (or never given) detects; "" is the default runtime; otherwise a RuntimeClass name (a DNS-1123 subdomain).
    private static string? RuntimeClass(string name, string value)
    {
        if (value == "auto")
        {
            return null;
        }

        var valid = value.Length == 0 || (value.Length <= 253 && value.Split('.').All(part =>
            part.Length is > 0 and <= 63 && part.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && part[0] != '-' && part[^1] != '-'));
        return valid ? value : throw new ArgumentException($"--{name} must be auto, a RuntimeClass name or empty (the default runtime), not '{value}'");
    }

    private static string DnsLabel(string name, string value) =>
        value.Length is > 0 and <= 63 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && value[0] != '-' && value[^1] != '-'
            ? value
            : throw new ArgumentException($"--{name} must be a namespace name (DNS-1123 label), not '{value}'");

    // Accepts "30s", "2m", "1h" (Go-style, as kubectl users write them) or plain seconds.
    private static TimeSpan Interval(string name, string value)
    {
        var unit = value.Length > 0 ? value[^1] : ' ';
        var number = char.IsLetter(unit) ? value[..^1] : value;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || double.IsInfinity(amount))
        {
            throw new ArgumentException($"--{name} must be a positive duration like 30s, 2m or 1h, not '{value}'");
        }

        var interval = unit switch
        {
            's' or >= '0' and <= '9' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            _ => throw new ArgumentException($"--{name} must be a positive duration like 30s, 2m or 1h, not '{value}'"),
        };
        return interval >= TimeSpan.FromSeconds(1) && interval <= TimeSpan.FromDays(1)
            ? interval
            : throw new ArgumentException($"--{name} must be between 1s and 24h, not '{value}'");
    }
}
