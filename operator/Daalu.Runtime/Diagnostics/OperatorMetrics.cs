using Prometheus;

namespace Daalu.Runtime.Diagnostics;

/// <summary>The runtime's Prometheus metrics; one instance per registry.</summary>
public sealed class OperatorMetrics
{
    /// <summary>Creates the metrics in <paramref name="registry"/> (the default registry when null).</summary>
    public OperatorMetrics(CollectorRegistry? registry = null)
    {
        Registry = registry ?? Metrics.DefaultRegistry;
        var factory = Metrics.WithCustomRegistry(Registry);
        ReconcileTotal = factory.CreateCounter(
            "daalu_reconcile_total",
            "Reconciles by kind and result (success, requeue_after, failure, terminal, error).",
            new CounterConfiguration { LabelNames = ["kind", "result"] });
        ReconcileDuration = factory.CreateHistogram(
            "daalu_reconcile_duration_seconds",
            "Time spent in one reconcile.",
            new HistogramConfiguration { LabelNames = ["kind"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        QueueDepth = factory.CreateGauge(
            "daalu_workqueue_depth",
            "Keys waiting in a controller's work queue.",
            new GaugeConfiguration { LabelNames = ["kind"] });
        WatchRestarts = factory.CreateCounter(
            "daalu_informer_watch_restarts_total",
            "Watch restarts by kind and reason (closed, expired, stalled, error).",
            new CounterConfiguration { LabelNames = ["kind", "reason"] });
        InformerSynced = factory.CreateGauge(
            "daalu_informer_synced",
            "1 when the informer's cache holds a complete list.",
            new GaugeConfiguration { LabelNames = ["kind"] });
        IsLeader = factory.CreateGauge("daalu_leader", "1 while this process holds the leader lease.");
    }

    /// <summary>The registry the metrics live in.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Reconciles by kind and result.</summary>
    public Counter ReconcileTotal { get; }

    /// <summary>Reconcile duration by kind.</summary>
    public Histogram ReconcileDuration { get; }

    /// <summary>Work queue depth by kind.</summary>
    public Gauge QueueDepth { get; }

    /// <summary>Watch restarts by kind and reason.</summary>
    public Counter WatchRestarts { get; }

    /// <summary>Informer synced flag by kind.</summary>
    public Gauge InformerSynced { get; }

    /// <summary>Leader flag.</summary>
    public Gauge IsLeader { get; }
}
