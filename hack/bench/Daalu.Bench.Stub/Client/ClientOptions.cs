using System.Globalization;

namespace Daalu.Bench.Stub.Client;

/// <summary>Command-line settings of the streaming client.</summary>
internal sealed class ClientOptions
{
    public string Url { get; private set; } = string.Empty;

    public string Model { get; private set; } = "bench-model";

    public int Tokens { get; private set; } = 32;

    /// <summary>ttft: measured streams, one after another.</summary>
    public int Requests { get; private set; } = 300;

    /// <summary>ttft: streams sent first and not measured (JIT, connection setup).</summary>
    public int Warmup { get; private set; } = 50;

    /// <summary>streams: how many are open at once.</summary>
    public int Streams { get; private set; } = 1000;

    /// <summary>streams: pause between opening two streams, in microseconds.</summary>
    public int RampMicros { get; private set; } = 200;

    public int TimeoutSeconds { get; private set; } = 60;

    /// <summary>latency: how long to send requests, in seconds.</summary>
    public double Seconds { get; private set; } = 10;

    /// <summary>latency: the JSON body to POST.</summary>
    public string Body { get; private set; } = "{\"model\":\"bench-model\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}],\"max_tokens\":16}";

    /// <summary>latency, ttft: a file with every request's start and its end (latency) or first token (ttft), CLOCK_MONOTONIC ns.</summary>
    public string? Out { get; private set; }

    public List<(string Name, string Value)> Headers { get; } = [];

    public static ClientOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new ClientOptions();
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
                case "--url": o.Url = value; break;
                case "--model": o.Model = value; break;
                case "--tokens": o.Tokens = ParseInt(name, value, 1, 100_000); break;
                case "--requests": o.Requests = ParseInt(name, value, 1, 1_000_000); break;
                case "--warmup": o.Warmup = ParseInt(name, value, 0, 1_000_000); break;
                case "--streams": o.Streams = ParseInt(name, value, 1, 20_000); break;
                case "--ramp-us": o.RampMicros = ParseInt(name, value, 0, 1_000_000); break;
                case "--timeout-s": o.TimeoutSeconds = ParseInt(name, value, 1, 3600); break;
                case "--seconds": o.Seconds = ParseInt(name, value, 1, 3600); break;
                case "--body": o.Body = value; break;
                case "--out": o.Out = value; break;
                case "--header":
                    var colon = value.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        throw new ArgumentException($"--header wants 'Name: value', got '{value}'");
                    }

                    o.Headers.Add((value[..colon].Trim(), value[(colon + 1)..].Trim()));
                    break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var uri) || !IsLoopback(uri))
        {
            throw new ArgumentException("--url must be an absolute http URL on 127.0.0.1 or localhost");
        }

        return o;
    }

    // Benchmarks send traffic to this machine only.
    private static bool IsLoopback(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttp && (uri.Host == "127.0.0.1" || uri.Host == "localhost" || uri.Host == "[::1]");

    private static int ParseInt(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            throw new ArgumentException($"{name} must be an integer in [{min}, {max}], got '{value}'");
        }

        return v;
    }
}
