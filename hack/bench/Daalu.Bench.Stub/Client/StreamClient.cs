using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Daalu.Bench.Stub.Client;

/// <summary>
/// The streaming half of the router benchmark, the same client for every target (stub, nginx, router, Portkey):
/// <c>ttft</c> sends streams one at a time (blocking socket calls, see <see cref="BlockingHttpConnection"/>) and reports
/// time to first token and the gap between events;
/// <c>streams</c> holds many streams open at once and counts lost and reordered tokens.
/// Prints key=value lines for hack/bench/router.sh.
/// </summary>
internal static class StreamClient
{
    public static async Task<int> RunAsync(string mode, string[] args)
    {
        ClientOptions o;
        try
        {
            o = ClientOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"client: {e.Message}");
            return 2;
        }

        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(o.TimeoutSeconds) };
        var body = Encoding.UTF8.GetBytes(
            $"{{\"model\":\"{o.Model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"Count from zero, one number per token.\"}}]," +
            $"\"max_tokens\":{o.Tokens.ToString(CultureInfo.InvariantCulture)},\"stream\":true,\"stream_options\":{{\"include_usage\":true}}}}");
        return mode switch
        {
            "ttft" => Ttft(o, body),
            "streams" => await ConcurrentAsync(http, o, body),
            _ => 2,
        };
    }

    // One stream at a time on one kept-alive connection driven by blocking calls (BlockingHttpConnection): the time to
    // first token is from the send to the receive that completed the first data line carrying a token.
    private static int Ttft(ClientOptions o, byte[] body)
    {
        var url = new Uri(o.Url);
        var request = BlockingHttpConnection.Post(url, o.Headers, body);
        using var connection = new BlockingHttpConnection(url);
        var ttft = new List<double>(o.Requests);
        var gaps = new List<double>(o.Requests * o.Tokens);
        var windows = new List<(long Start, long FirstToken)>(o.Requests);
        var bad = 0;
        string? firstError = null;
        for (var i = 0; i < o.Warmup + o.Requests; i++)
        {
            var measured = i >= o.Warmup;
            var counter = new StreamEventCounter(o.Tokens);
            var lines = new SseLineSplitter();
            long first = 0, previous = 0;
            var t0 = Stopwatch.GetTimestamp();
            int status;
            try
            {
                status = connection.Send(request, (received, piece) => lines.Feed(piece, line =>
                {
                    if (!counter.OnLine(line))
                    {
                        return;
                    }

                    if (first == 0)
                    {
                        first = received;
                    }
                    else if (measured && previous != received)
                    {
                        gaps.Add(Stopwatch.GetElapsedTime(previous, received).TotalMicroseconds);
                    }

                    previous = received;
                }));
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or FormatException)
            {
                connection.Dispose();
                status = 0;
                firstError ??= e.Message;
            }

            counter.Complete();
            var ok = status == 200 && first != 0 && counter.Lost == 0 && counter.SawDone;
            if (!ok)
            {
                firstError ??= $"HTTP {status}, {counter.Received} tokens, done={counter.SawDone}";
            }

            if (!measured)
            {
                continue;
            }

            if (ok)
            {
                ttft.Add(Stopwatch.GetElapsedTime(t0, first).TotalMicroseconds);
                windows.Add((t0, first));
            }
            else
            {
                bad++;
            }
        }

        if (firstError is not null)
        {
            Console.Error.WriteLine($"client: first failure: {firstError}");
        }

        if (o.Out is not null)
        {
            LatencyProbe.WriteWindows(o.Out, windows);
        }

        Print("pid", Environment.ProcessId);
        Print("requests", o.Requests);
        Print("failed", bad);
        Print("ttft_p50_us", Percentile(ttft, 0.50));
        Print("ttft_p99_us", Percentile(ttft, 0.99));
        Print("gap_p50_us", Percentile(gaps, 0.50));
        Print("gap_p99_us", Percentile(gaps, 0.99));
        Print("gap_mean_us", gaps.Count > 0 ? gaps.Average() : double.NaN);
        return bad == 0 ? 0 : 1;
    }

    private static async Task<int> ConcurrentAsync(HttpClient http, ClientOptions o, byte[] body)
    {
        var streaming = new ConcurrencyGauge();
        var started = Stopwatch.GetTimestamp();
        var tasks = new Task<StreamResult>[o.Streams];
        for (var i = 0; i < o.Streams; i++)
        {
            tasks[i] = Task.Run(() => OneStreamAsync(http, o, body, streaming));

            // Open connections at a bounded rate so listen backlogs (512 in Kestrel, 511 in nginx and node) are not
            // what is measured; the streams still overlap because each lasts far longer than the ramp.
            if (o.RampMicros > 0 && i % 50 == 49)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(o.RampMicros * 50));
            }
        }

        var results = await Task.WhenAll(tasks);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var ttft = results.Where(r => r.Ok).Select(r => r.TtftMicros).ToList();
        Print("streams", o.Streams);
        Print("peak_streaming", streaming.Peak);
        Print("failed_streams", results.Count(r => !r.Ok));
        Print("missing_done", results.Count(r => !r.SawDone));
        Print("tokens_expected", (long)o.Streams * o.Tokens);
        Print("tokens_received", results.Sum(r => (long)r.Received));
        Print("lost", results.Sum(r => (long)r.Lost));
        Print("reordered", results.Sum(r => (long)r.Reordered));
        Print("malformed", results.Sum(r => (long)r.Malformed));
        Print("ttft_p50_us", Percentile(ttft, 0.50));
        Print("ttft_p99_us", Percentile(ttft, 0.99));
        Print("seconds", seconds);
        foreach (var error in results.Where(r => r.Error is not null).GroupBy(r => r.Error).Take(5))
        {
            await Console.Error.WriteLineAsync($"client: {error.Count()} streams: {error.Key}");
        }

        return 0;
    }

    private static async Task<StreamResult> OneStreamAsync(HttpClient http, ClientOptions o, byte[] body, ConcurrencyGauge streaming)
    {
        var counter = new StreamEventCounter(o.Tokens);
        using var request = new HttpRequestMessage(HttpMethod.Post, o.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in o.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var t0 = Stopwatch.GetTimestamp();
        long first = 0;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync();
                return StreamResult.Failed($"HTTP {(int)response.StatusCode}: {text[..Math.Min(200, text.Length)]}", counter);
            }

            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[16 * 1024];
            var filled = 0;
            while (true)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(filled));
                if (n == 0)
                {
                    break;
                }

                var now = Stopwatch.GetTimestamp();
                filled += n;
                var start = 0;
                int newline;
                while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
                {
                    if (counter.OnLine(buffer.AsSpan(start, newline - start)))
                    {
                        if (first == 0)
                        {
                            first = now;
                            streaming.Enter();
                        }
                    }

                    start = newline + 1;
                }

                Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
                if (filled == buffer.Length)
                {
                    return StreamResult.Failed("an SSE line longer than 16 KiB", counter);
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            counter.Complete();
            return StreamResult.Failed(e.GetType().Name + ": " + e.Message, counter);
        }
        finally
        {
            if (first != 0)
            {
                streaming.Exit();
            }
        }

        counter.Complete();
        return first == 0
            ? StreamResult.Failed("no token arrived", counter)
            : new StreamResult(true, Stopwatch.GetElapsedTime(t0, first).TotalMicroseconds, counter.Received, counter.Lost, counter.Reordered, counter.Malformed, counter.SawDone, null);
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values[Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1)];
    }

    private static void Print(string key, double value) =>
        Console.WriteLine($"{key}={value.ToString("0.#", CultureInfo.InvariantCulture)}");

    private readonly record struct StreamResult(bool Ok, double TtftMicros, int Received, int Lost, int Reordered, int Malformed, bool SawDone, string? Error)
    {
        public static StreamResult Failed(string error, StreamEventCounter c) =>
            new(false, 0, c.Received, c.Lost, c.Reordered, c.Malformed, c.SawDone, error);
    }
}
