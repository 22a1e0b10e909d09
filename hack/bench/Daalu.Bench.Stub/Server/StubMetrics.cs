using System.Globalization;
using System.Text;

namespace Daalu.Bench.Stub.Server;

/// <summary>
/// The subset of vLLM's Prometheus metrics a router reads (load gauges, token counters, request outcomes and the
/// end-to-end latency histogram), in vLLM's names and labels. Updated with interlocked adds only.
/// </summary>
internal sealed class StubMetrics
{
    // KV cache use is approximated by the share of busy sequence slots (vLLM's --max-num-seqs, 256 by default).
    private readonly double _slots;
    private static readonly double[] E2eBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

    private readonly string _labels;
    private readonly long[] _e2eCounts = new long[E2eBuckets.Length + 1];
    private long _running;
    private long _promptTokens;
    private long _generationTokens;
    private long _finishedLength;
    private long _finishedStop;
    private long _finishedAbort;
    private long _e2eSumMicros;

    public StubMetrics(string model, int maxNumSeqs)
    {
        _labels = $"engine=\"0\",model_name=\"{model}\"";
        _slots = maxNumSeqs;
    }

    public void Started() => Interlocked.Increment(ref _running);

    public void Finished(int promptTokens, int generated, bool length, long elapsedMicros)
    {
        Interlocked.Decrement(ref _running);
        Interlocked.Add(ref _promptTokens, promptTokens);
        Interlocked.Add(ref _generationTokens, generated);
        Interlocked.Increment(ref length ? ref _finishedLength : ref _finishedStop);
        Interlocked.Add(ref _e2eSumMicros, elapsedMicros);
        var seconds = elapsedMicros / 1e6;
        var bucket = 0;
        while (bucket < E2eBuckets.Length && seconds > E2eBuckets[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _e2eCounts[bucket]);
    }

    public void Aborted(int promptTokens, int generated)
    {
        Interlocked.Decrement(ref _running);
        Interlocked.Add(ref _promptTokens, promptTokens);
        Interlocked.Add(ref _generationTokens, generated);
        Interlocked.Increment(ref _finishedAbort);
    }

    public string Render()
    {
        var running = Interlocked.Read(ref _running);
        var sb = new StringBuilder(4096);
        Gauge(sb, "vllm:num_requests_running", "Number of requests in model execution batches.", running);
        Gauge(sb, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", 0);
        Gauge(sb, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", Math.Min(1.0, running / _slots));
        Counter(sb, "vllm:prompt_tokens", "Number of prefill tokens processed.", Interlocked.Read(ref _promptTokens));
        Counter(sb, "vllm:generation_tokens", "Number of generation tokens processed.", Interlocked.Read(ref _generationTokens));
        Counter(sb, "vllm:num_preemptions", "Cumulative number of preemption from the engine.", 0);
        sb.Append("# HELP vllm:request_success_total Count of successfully processed requests.\n# TYPE vllm:request_success counter\n");
        Sample(sb, "vllm:request_success_total", "finished_reason=\"stop\"", Interlocked.Read(ref _finishedStop));
        Sample(sb, "vllm:request_success_total", "finished_reason=\"length\"", Interlocked.Read(ref _finishedLength));
        Sample(sb, "vllm:request_success_total", "finished_reason=\"abort\"", Interlocked.Read(ref _finishedAbort));
        sb.Append("# HELP vllm:e2e_request_latency_seconds Histogram of e2e request latency in seconds.\n# TYPE vllm:e2e_request_latency_seconds histogram\n");
        long cumulative = 0;
        for (var i = 0; i <= E2eBuckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref _e2eCounts[i]);
            var le = i < E2eBuckets.Length ? E2eBuckets[i].ToString("0.0##", CultureInfo.InvariantCulture) : "+Inf";
            sb.Append("vllm:e2e_request_latency_seconds_bucket{").Append(_labels).Append(",le=\"").Append(le).Append("\"} ")
                .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append(".0\n");
        }

        sb.Append("vllm:e2e_request_latency_seconds_count{").Append(_labels).Append("} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append(".0\n");
        sb.Append("vllm:e2e_request_latency_seconds_sum{").Append(_labels).Append("} ")
            .Append((Interlocked.Read(ref _e2eSumMicros) / 1e6).ToString("0.0#####", CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    private void Gauge(StringBuilder sb, string name, string help, double value)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n");
        sb.Append(name).Append('{').Append(_labels).Append("} ").Append(value.ToString("0.0##", CultureInfo.InvariantCulture)).Append('\n');
    }

    private void Counter(StringBuilder sb, string name, string help, long value)
    {
        sb.Append("# HELP ").Append(name).Append("_total ").Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n");
        Sample(sb, name + "_total", null, value);
    }

    private void Sample(StringBuilder sb, string name, string? extraLabels, long value)
    {
        sb.Append(name).Append('{').Append(_labels);
        if (extraLabels is not null)
        {
            sb.Append(',').Append(extraLabels);
        }

        sb.Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append(".0\n");
    }
}
