using System.Diagnostics;
using System.Diagnostics.Metrics;
using Daalu.Gateway.Abstractions;
using Prometheus;

namespace Daalu.Router.Observability;

/// <summary>
/// The router's calls in OpenTelemetry GenAI terms (<see cref="GenAiConventions"/>): the three histograms on a .NET
/// Meter (exported over OTLP with OTEL_EXPORTER_OTLP_ENDPOINT) and, on /metrics next to the daalu_* names, as
/// Prometheus histograms named the way OpenTelemetry's Prometheus exporter names them (dots to underscores, unit
/// "s" as a _seconds suffix): gen_ai_client_token_usage, gen_ai_server_request_duration_seconds,
/// gen_ai_server_time_to_first_token_seconds, with labels gen_ai_operation_name, gen_ai_system, gen_ai_request_model,
/// gen_ai_response_model, daalu_tier (and gen_ai_token_type on the token histogram),
/// and the gen_ai.* attributes on the router's attempt and route spans. Recorded once per metered call, from the same
/// facts the ledger gets; no prompt or completion text.
/// </summary>
public sealed class GenAiMetrics : IDisposable
{
    /// <summary>The Meter's name (for OpenTelemetry's AddMeter).</summary>
    public const string MeterName = "Daalu.Router.GenAI";

    private static readonly string[] Labels = ["gen_ai_operation_name", "gen_ai_system", "gen_ai_request_model", "gen_ai_response_model", "daalu_tier"];

    private readonly Histogram<long> _tokens;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _ttft;
    private readonly Prometheus.Histogram _promTokens;
    private readonly Prometheus.Histogram _promDuration;
    private readonly Prometheus.Histogram _promTtft;

    /// <summary>Creates the instruments on a Meter of this instance (several routers in one process stay apart) and in <paramref name="prometheus"/>.</summary>
    public GenAiMetrics(IMetricFactory prometheus)
    {
        ArgumentNullException.ThrowIfNull(prometheus);
        _promTokens = prometheus.CreateHistogram("gen_ai_client_token_usage", "Measures number of input and output tokens used (OpenTelemetry gen_ai.client.token.usage).",
            new HistogramConfiguration { LabelNames = [.. Labels, "gen_ai_token_type"], Buckets = [.. GenAiConventions.TokenBuckets.Select(b => (double)b)] });
        _promDuration = prometheus.CreateHistogram("gen_ai_server_request_duration_seconds", "Generative AI server request duration (OpenTelemetry gen_ai.server.request.duration).",
            new HistogramConfiguration { LabelNames = Labels, Buckets = GenAiConventions.DurationBuckets });
        _promTtft = prometheus.CreateHistogram("gen_ai_server_time_to_first_token_seconds", "Time to generate first token for successful responses (OpenTelemetry gen_ai.server.time_to_first_token).",
            new HistogramConfiguration { LabelNames = Labels, Buckets = GenAiConventions.TtftBuckets });
        Meter = new Meter(MeterName);
        _tokens = Meter.CreateHistogram(GenAiConventions.TokenUsage, "{token}", "Measures number of input and output tokens used.",
            tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = GenAiConventions.TokenBuckets });
        _duration = Meter.CreateHistogram(GenAiConventions.ServerRequestDuration, "s", "Generative AI server request duration such as time-to-last byte or last output token.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = GenAiConventions.DurationBuckets });
        _ttft = Meter.CreateHistogram(GenAiConventions.ServerTimeToFirstToken, "s", "Time to generate first token for successful responses.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = GenAiConventions.TtftBuckets });
    }

    /// <summary>The Meter holding the instruments.</summary>
    public Meter Meter { get; }

    /// <summary>Records one served call: token usage (input and output), duration, TTFT; and tags the current spans.</summary>
    public void Record(CallRecord record, string path, string requestModel, string? providerApiStyle)
    {
        ArgumentNullException.ThrowIfNull(record);
        var operation = GenAiConventions.Operation(path);
        var system = GenAiConventions.SystemOf(record.Tier, providerApiStyle);
        var prom = PrometheusChildren(operation, system, requestModel, record.Model, record.Tier);
        prom.Duration.Observe(record.LatencyMs / 1000);
        if (record.TtftMs > 0)
        {
            prom.Ttft.Value.Observe(record.TtftMs / 1000);
        }

        prom.InputTokens.Observe(record.TokensIn);
        prom.OutputTokens.Observe(record.TokensOut);

        // The Meter's instruments are enabled only while a listener (the OTLP exporter) collects them.
        if (_duration.Enabled || _ttft.Enabled || _tokens.Enabled)
        {
            var tags = new TagList
            {
                { GenAiConventions.OperationName, operation },
                { GenAiConventions.System, system },
                { GenAiConventions.RequestModel, requestModel },
                { GenAiConventions.ResponseModel, record.Model },
                { "daalu.tier", record.Tier },
            };
            _duration.Record(record.LatencyMs / 1000, tags);
            if (record.TtftMs > 0)
            {
                _ttft.Record(record.TtftMs / 1000, tags);
            }

            var input = tags;
            input.Add(GenAiConventions.TokenType, "input");
            _tokens.Record(record.TokensIn, input);
            var output = tags;
            output.Add(GenAiConventions.TokenType, "output");
            _tokens.Record(record.TokensOut, output);
        }

        // The attempt span (current while the call is metered), and the route span above it.
        for (var span = Activity.Current; span is not null; span = span.Parent)
        {
            if (span.Source.Name != RouterTracing.SourceName || !span.IsAllDataRequested)
            {
                continue;
            }

            span.SetTag(GenAiConventions.OperationName, operation);
            span.SetTag(GenAiConventions.System, system);
            span.SetTag(GenAiConventions.ProviderName, system);
            span.SetTag(GenAiConventions.RequestModel, requestModel);
            span.SetTag(GenAiConventions.ResponseModel, record.Model);
            span.SetTag(GenAiConventions.UsageInputTokens, record.TokensIn);
            span.SetTag(GenAiConventions.UsageOutputTokens, record.TokensOut);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Meter.Dispose();

    // One lookup per call for the four labelled Prometheus series of a label set, instead of four label lookups. The
    // label values are the served models and tiers (the request model was checked against the catalog), so the set is
    // small; past MaxCachedLabelSets new sets are looked up each time rather than kept.
    private PromSeries PrometheusChildren(string operation, string system, string requestModel, string responseModel, string tier)
    {
        var key = (operation, system, requestModel, responseModel, tier);
        if (_series.TryGetValue(key, out var series))
        {
            return series;
        }

        series = new PromSeries(
            _promDuration.WithLabels(operation, system, requestModel, responseModel, tier),
            // Created on the first observation, as before: a call without a first token adds no TTFT series.
            new Lazy<Prometheus.IHistogram>(() => _promTtft.WithLabels(operation, system, requestModel, responseModel, tier)),
            _promTokens.WithLabels(operation, system, requestModel, responseModel, tier, "input"),
            _promTokens.WithLabels(operation, system, requestModel, responseModel, tier, "output"));
        if (_series.Count < MaxCachedLabelSets)
        {
            _series.TryAdd(key, series);
        }

        return series;
    }

    private const int MaxCachedLabelSets = 1024;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string, string, string, string), PromSeries> _series = new();

    private sealed record PromSeries(Prometheus.IHistogram Duration, Lazy<Prometheus.IHistogram> Ttft, Prometheus.IHistogram InputTokens, Prometheus.IHistogram OutputTokens);
}
