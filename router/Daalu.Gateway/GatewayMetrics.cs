using Prometheus;

namespace Daalu.Gateway;

/// <summary>
/// Prometheus metrics of the gateway, in their own registry <see cref="Registry"/> (the router keeps its metrics in a
/// custom registry too). The router exports it next to its own: append
/// <c>GatewayMetrics.Registry.CollectAndExportAsTextAsync(stream)</c> to its /metrics body, or map it separately with
/// <c>app.MapMetrics("/metrics/gateway", GatewayMetrics.Registry)</c>.
/// Labels carry tenants, reasons and stores only: never keys, request ids or prompt text.
/// </summary>
public static class GatewayMetrics
{
    /// <summary>The registry holding every gateway metric (and nothing else).</summary>
    public static readonly CollectorRegistry Registry = Metrics.NewCustomRegistry();

    private static readonly MetricFactory Factory = Metrics.WithCustomRegistry(Registry);

    /// <summary>Hosted-tier refusals by tenant and reason; shadow-mode would-be refusals carry shadow="true".</summary>
    public static readonly Counter QuotaRefusals = Factory.CreateCounter("daalu_gateway_quota_refusals_total",
        "Hosted-tier admissions refused, by reason (shadow=true: shadow mode measured a refusal but admitted).", "tenant", "reason", "shadow");

    /// <summary>Tokens held by open reservations, per tenant (this replica's view for Redis mode).</summary>
    public static readonly Gauge ReservedTokens = Factory.CreateGauge("daalu_gateway_reserved_tokens",
        "Tokens held by open quota reservations, per tenant.", "tenant");

    /// <summary>Records acknowledged to callers but not yet in the ledger table.</summary>
    public static readonly Gauge OutboxDepth = Factory.CreateGauge("daalu_gateway_outbox_depth",
        "Metering records in the durable outbox waiting to be flushed into the ledger.");

    /// <summary>Outbox commits; records appended divided by this is the group-commit batch size.</summary>
    public static readonly Counter OutboxCommits = Factory.CreateCounter("daalu_gateway_outbox_commits_total",
        "Commits of metering records to the durable outbox (several records share one commit under load).");

    /// <summary>Outbox segments that ended in a record cut short by a crash (never acknowledged; skipped).</summary>
    public static readonly Counter OutboxTornTails = Factory.CreateCounter("daalu_gateway_outbox_torn_tails_total",
        "Outbox segments whose last record was cut short by a crash; that record was never acknowledged and is skipped.");

    /// <summary>Outbox segments with a damaged record before their end: kept as *.corrupt, not flushed past it.</summary>
    public static readonly Counter OutboxCorruptSegments = Factory.CreateCounter("daalu_gateway_outbox_corrupt_segments_total",
        "Outbox segments found damaged before their end; records before the damage are flushed, the file is kept as .corrupt.");

    /// <summary>Failed attempts to write to the ledger or outbox, by store.</summary>
    public static readonly Counter LedgerWriteFailures = Factory.CreateCounter("daalu_gateway_ledger_write_failures_total",
        "Failed writes to the metering stores (store=outbox|ledger).", "store");

    /// <summary>Ledger writes refused by the (request_id, attempt) unique key.</summary>
    public static readonly Counter LedgerDuplicatesRefused = Factory.CreateCounter("daalu_gateway_ledger_duplicates_refused_total",
        "Ledger rows refused because (request_id, attempt) was already recorded.");

    /// <summary>Quota store (Redis) faults by kind and the policy applied.</summary>
    public static readonly Counter QuotaStoreFaults = Factory.CreateCounter("daalu_gateway_quota_store_faults_total",
        "Redis quota store calls that failed, timed out or were short-circuited, by operation and outcome.", "operation", "outcome");

    /// <summary>Quota counter updates (settle, release, fail-open charge) waiting to be retried against Redis.</summary>
    public static readonly Gauge CounterRetriesPending = Factory.CreateGauge("daalu_gateway_counter_retries_pending",
        "Quota counter updates that could not reach Redis and wait to be retried (kept in the durable counter file).");

    /// <summary>Redis spend minus ledger spend per tenant, this period, at the last reconciliation.</summary>
    public static readonly Gauge QuotaDrift = Factory.CreateGauge("daalu_gateway_quota_drift_tokens",
        "Hosted tokens spent this period according to Redis minus according to the ledger, at the last reconciliation.", "tenant");

    /// <summary>Periods whose Redis counters were rebuilt from the ledger after Redis lost them.</summary>
    public static readonly Counter QuotaRebuilds = Factory.CreateCounter("daalu_gateway_quota_rebuilds_total",
        "Tenant periods whose Redis spend was rebuilt from the ledger because Redis had lost it.");

    /// <summary>Outbox records parked in Redis at shutdown because the ledger could not be reached.</summary>
    public static readonly Counter OutboxParked = Factory.CreateCounter("daalu_gateway_outbox_parked_total",
        "Outbox records this replica parked in Redis at shutdown because the shared ledger (PostgreSQL) could not be reached.");

    /// <summary>Parked records this replica moved from Redis into the ledger.</summary>
    public static readonly Counter OutboxUnparked = Factory.CreateCounter("daalu_gateway_outbox_unparked_total",
        "Records parked in Redis by a stopped replica that this replica moved into the shared ledger.");
}
