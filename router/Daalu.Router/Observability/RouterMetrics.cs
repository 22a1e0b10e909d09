using Prometheus;

namespace Daalu.Router.Observability;

/// <summary>The router's Prometheus metrics, in a registry of its own so several routers can run in one process (tests).</summary>
public sealed class RouterMetrics : IDisposable
{

    private static readonly double[] JudgeBuckets = [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];

    private static readonly double[] TimeBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    /// <summary>Creates the metrics in a new registry.</summary>
    public RouterMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        Requests = f.CreateCounter("daalu_router_requests_total", "Requests by tier, class and result.", "tier", "class", "result");
        FallThroughs = f.CreateCounter("daalu_router_fallthrough_total", "Attempts that fell through, by tier and reason.", "tier", "reason");
        QuotaRefusals = f.CreateCounter("daalu_router_quota_refusals_total", "Hosted-pool admissions refused, by reason.", "reason");
        Ttft = f.CreateHistogram("daalu_router_ttft_seconds", "Time to first upstream byte of the answering attempt.", new HistogramConfiguration { LabelNames = ["tier"], Buckets = TimeBuckets });
        Latency = f.CreateHistogram("daalu_router_request_duration_seconds", "Whole request latency.", new HistogramConfiguration { LabelNames = ["tier"], Buckets = TimeBuckets });
        KvCache = f.CreateGauge("daalu_router_backend_kv_cache_usage", "Last vllm:kv_cache_usage_perc read from the backend (0..1).", "backend");
        Waiting = f.CreateGauge("daalu_router_backend_requests_waiting", "Last vllm:num_requests_waiting read from the backend.", "backend");
        Circuit = f.CreateGauge("daalu_router_backend_circuit_state", "Circuit state: 0 closed, 1 half-open, 2 open.", "backend");
        InFlight = f.CreateGauge("daalu_router_backend_in_flight", "Calls in flight to the backend.", "backend");
        ConfigReloads = f.CreateCounter("daalu_router_config_reloads_total", "Configuration reload attempts by result.", "result");
        GenAi = new GenAiMetrics(f);
        ClassifierDecisions = f.CreateCounter("daalu_router_classifier_decisions_total", "Difficulty ratings by the stage that decided them (heuristic, learned, conversation, judge).", "stage");
        CodeDetections = f.CreateCounter("daalu_router_code_detections_total", "Requests whose content carried code, by the first signal found.", "signal");
        CodeDetectionOverrides = f.CreateCounter("daalu_router_code_detection_overrides_total", "Requests made coding by their content (mode enforce), or that would have been (mode report).", "mode");
        MeteringFailures = f.CreateCounter("daalu_router_metering_failures_total", "Served calls whose metering record could not be written, by stage (settle, record) and error type.", "stage", "error");
        JudgeCalls = f.CreateCounter("daalu_router_judge_calls_total", "Judge verdicts by purpose (difficulty, quality) and outcome (rated, cached, timeout, malformed, error, no_backend); never billed to a tenant.", "purpose", "outcome");
        JudgeDuration = f.CreateHistogram("daalu_router_judge_duration_seconds", "Time a judge call took, by purpose.", new HistogramConfiguration { LabelNames = ["purpose"], Buckets = JudgeBuckets });
        QualityScore = f.CreateHistogram("daalu_router_quality_score", "Judge scores (1-5) of sampled answers, by tier and model; the mean is sum / count.", new HistogramConfiguration { LabelNames = ["tier", "model"], Buckets = [1.5, 2.5, 3.5, 4.5] });
        QualityScoreMean = f.CreateGauge("daalu_router_quality_score_mean", "Mean judge score (1-5) of the last sampled answers, by tier and model; alert below 3.5.", "tier", "model");
        QualitySamples = f.CreateCounter("daalu_router_quality_samples_total", "Sampled answers by result: queued, dropped (queue full), unreadable (no answer text found).", "result");
    }

    /// <summary>The OpenTelemetry GenAI instruments and span attributes.</summary>
    public GenAiMetrics GenAi { get; }

    /// <summary>The registry served at /metrics.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Requests by tier, class, result.</summary>
    public Counter Requests { get; }

    /// <summary>Fall-throughs by tier and reason.</summary>
    public Counter FallThroughs { get; }

    /// <summary>Quota refusals.</summary>
    public Counter QuotaRefusals { get; }

    /// <summary>Time to first byte.</summary>
    public Histogram Ttft { get; }

    /// <summary>Latency.</summary>
    public Histogram Latency { get; }

    /// <summary>Backend KV cache usage.</summary>
    public Gauge KvCache { get; }

    /// <summary>Backend queue.</summary>
    public Gauge Waiting { get; }

    /// <summary>Circuit state.</summary>
    public Gauge Circuit { get; }

    /// <summary>In-flight calls.</summary>
    public Gauge InFlight { get; }

    /// <summary>Config reloads.</summary>
    public Counter ConfigReloads { get; }

    /// <summary>Difficulty decisions per stage.</summary>
    public Counter ClassifierDecisions { get; }

    /// <summary>Code-bearing requests per signal.</summary>
    public Counter CodeDetections { get; }

    /// <summary>Requests whose class content detection changed (enforce) or would have changed (report).</summary>
    public Counter CodeDetectionOverrides { get; }

    /// <summary>Served calls whose quota settlement or ledger record failed (the client's answer stands; the failure is logged).</summary>
    public Counter MeteringFailures { get; }

    /// <summary>Judge verdicts by purpose and outcome.</summary>
    public Counter JudgeCalls { get; }

    /// <summary>Judge call time by purpose.</summary>
    public Histogram JudgeDuration { get; }

    /// <summary>Quality scores of sampled answers by tier and model.</summary>
    public Histogram QualityScore { get; }

    /// <summary>Mean of the last quality scores by tier and model.</summary>
    public Gauge QualityScoreMean { get; }

    /// <summary>Sampled answers by result.</summary>
    public Counter QualitySamples { get; }

    /// <inheritdoc/>
    public void Dispose() => GenAi.Dispose();
}
