using Prometheus;

namespace Daalu.Gateway;

/// <summary>
/// Prometheus metrics of the gateway, registered in the default registry the router exposes on /metrics.
/// Labels carry tenants, reasons and stores only: never keys, never prompt text.
/// </summary>
public static class GatewayMetrics
{
    /// <summary>Hosted-tier refusals by tenant and reason; shadow-mode would-be refusals carry shadow="true".</summary>
    public static readonly Counter QuotaRefusals = Metrics.CreateCounter(
        "daalu_gateway_quota_refusals_total",
        "Hosted-tier admissions refused, by reason (shadow=true: shadow mode measured a refusal but admitted).",
        new CounterConfiguration { LabelNames = ["tenant", "reason", "shadow"] });

    /// <summary>Tokens held by open reservations, per tenant (this replica's view for Redis mode).</summary>
    public static readonly Gauge ReservedTokens = Metrics.CreateGauge(
        "daalu_gateway_reserved_tokens",
        "Tokens held by open quota reservations, per tenant.",
        new GaugeConfiguration { LabelNames = ["tenant"] });

    /// <summary>Records acknowledged to callers but not yet in the ledger table.</summary>
    public static readonly Gauge OutboxDepth = Metrics.CreateGauge(
        "daalu_gateway_outbox_depth",
        "Metering records in the durable outbox waiting to be flushed into the ledger.");

    /// <summary>Failed attempts to write to the ledger or outbox, by store.</summary>
    public static readonly Counter LedgerWriteFailures = Metrics.CreateCounter(
        "daalu_gateway_ledger_write_failures_total",
        "Failed writes to the metering stores (store=outbox|ledger).",
        new CounterConfiguration { LabelNames = ["store"] });

    /// <summary>Ledger writes refused by the (request_id, attempt) unique key.</summary>
    public static readonly Counter LedgerDuplicatesRefused = Metrics.CreateCounter(
        "daalu_gateway_ledger_duplicates_refused_total",
        "Ledger rows refused because (request_id, attempt) was already recorded.");

    /// <summary>Quota store (Redis) faults by kind and the policy applied.</summary>
    public static readonly Counter QuotaStoreFaults = Metrics.CreateCounter(
        "daalu_gateway_quota_store_faults_total",
        "Redis quota store calls that failed, timed out or were short-circuited, by operation and outcome.",
        new CounterConfiguration { LabelNames = ["operation", "outcome"] });
}
