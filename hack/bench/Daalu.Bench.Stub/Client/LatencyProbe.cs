using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Daalu.Bench.Stub.Client;

/// <summary>
/// <c>latency</c>: POSTs one body one request at a time on one kept-alive connection (blocking socket calls, like wrk's
/// single connection) for a fixed time, and writes every request's start and end as CLOCK_MONOTONIC nanoseconds
/// (Stopwatch's clock on Linux, the clock `perf record -k CLOCK_MONOTONIC` stamps events with), so that
/// hack/bench/tail.sh can line the slowest requests up with what the CPUs were doing at that moment.
/// </summary>
internal static class LatencyProbe
{
    public static int Run(ClientOptions o)
    {
        var url = new Uri(o.Url);
        var request = BlockingHttpConnection.Post(url, o.Headers, Encoding.UTF8.GetBytes(o.Body));
        using var connection = new BlockingHttpConnection(url);
        for (var i = 0; i < o.Warmup; i++)
        {
            connection.Send(request);
        }

        var starts = new List<long>(1 << 16);
        var ends = new List<long>(1 << 16);
        var failed = 0;
        var stop = Stopwatch.GetTimestamp() + (long)(o.Seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < stop)
        {
            var t0 = Stopwatch.GetTimestamp();
            var status = connection.Send(request);
            var t1 = Stopwatch.GetTimestamp();
            if (status != 200)
            {
                failed++;
                continue;
            }

            starts.Add(t0);
            ends.Add(t1);
        }

        var micros = starts.Select((s, i) => (ends[i] - s) * 1e6 / Stopwatch.Frequency).Order().ToList();
        if (o.Out is not null)
        {
            WriteWindows(o.Out, starts.Select((s, i) => (s, ends[i])));
        }

        Print("pid", Environment.ProcessId);
        Print("requests", micros.Count);
        Print("failed", failed);
        foreach (var (name, p) in new[] { ("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("p999", 0.999) })
        {
            Print($"{name}_us", micros.Count == 0 ? double.NaN : micros[Math.Min(micros.Count - 1, (int)Math.Ceiling(p * micros.Count) - 1)]);
        }

        Print("max_us", micros.Count == 0 ? double.NaN : micros[^1]);
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Writes request windows (Stopwatch timestamps) as CLOCK_MONOTONIC nanoseconds, tab-separated.</summary>
    public static void WriteWindows(string path, IEnumerable<(long Start, long End)> windows)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("start_ns\tend_ns");
        foreach (var (start, end) in windows)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Nanos(start)}\t{Nanos(end)}"));
        }
    }

    private static long Nanos(long timestamp) => (long)(timestamp * (1e9 / Stopwatch.Frequency));

    private static void Print(string key, double value) =>
        Console.WriteLine($"{key}={value.ToString("0.#", CultureInfo.InvariantCulture)}");
}
