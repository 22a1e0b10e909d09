using System.Diagnostics;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Daalu.Router.Observability;
using Microsoft.Extensions.Logging;

namespace Daalu.Router.Forwarding;

/// <summary>
/// The one metering step of a served call (whole, streamed or partial): latency and TTFT metrics, settlement of the
/// hosted quota reservation, and the ledger record. The answer already went out, so a failing store is logged and
/// counted, never turned into an error for the client.
/// </summary>
internal sealed class CallMeter(IQuotaGate quota, IMeteringSink meter, RouterMetrics metrics, TimeProvider time, ILogger log)
{
    /// <summary>Observes latency, settles the hosted reservation and writes the call's ledger record; never throws for a store fault.</summary>
    public async Task CompleteAsync(Attempt a, long tokensIn, long tokensOut, bool estimated, bool partial)
    {
        var rc = a.Rc;
        var latency = Stopwatch.GetElapsedTime(rc.StartTimestamp);
        metrics.Latency.WithLabels(a.Cand.Tier).Observe(latency.TotalSeconds);
        if (!partial)
        {
            metrics.Requests.WithLabels(a.Cand.Tier, rc.Plan.RequestClass, "ok").Inc();
            if (!rc.Request.Stream)
            {
                metrics.Ttft.WithLabels(a.Cand.Tier).Observe(a.TtftMs / 1000);
            }
        }

        if (a.Reservation is { } res)
        {
            // The answer already went out: a failing gate must not turn it into a 5xx nor skip the ledger record.
            // An unsettled reservation is released by the caller's finally (or reclaimed after its TTL).
            try
            {
                await quota.SettleAsync(res, tokensIn + tokensOut, CancellationToken.None);
                a.Settled = true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                metrics.MeteringFailures.WithLabels("settle", ex.GetType().Name).Inc();
                ForwardingLog.SettleFailed(log, rc.RequestId, ex.GetType().Name, ex.Message);
            }
        }

        var record = new CallRecord
        {
            RequestId = rc.RequestId,
            Attempt = a.Number,
            Tenant = rc.Tenant.Name,
            Tier = a.Cand.Tier,
            Backend = a.Cand.Name,
            Model = a.Cand.UpstreamModel,
            RequestClass = rc.Plan.RequestClass,
            TokensIn = tokensIn,
            TokensOut = tokensOut,
            Estimated = estimated,
            Partial = partial,
            TtftMs = a.TtftMs,
            LatencyMs = latency.TotalMilliseconds,
            Plan = rc.Tenant.Plan,
            ExternalInputPerMTok = a.Cand.ProviderModel?.InputPricePerMTok ?? 0,
            ExternalOutputPerMTok = a.Cand.ProviderModel?.OutputPricePerMTok ?? 0,
            ContributorTenant = a.Cand.ContributorTenant,
            RevenueSharePercent = a.Cand.ContributorTenant is null ? 0 : a.Cand.Backend!.RevenueSharePercent,
            CompletedAt = time.GetUtcNow(),
        };
        metrics.GenAi.Record(record, rc.Path, rc.Request.Model, a.Cand.Provider?.Config.ApiStyle);
        try
        {
            await meter.RecordAsync(record, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Any failure (a store fault, or ArgumentException for a record the sink refuses) is logged with the
            // record's key and counted; the client's answer was already sent and stays a success.
            metrics.MeteringFailures.WithLabels("record", ex.GetType().Name).Inc();
            ForwardingLog.MeteringFailed(log, rc.RequestId, a.Number, rc.Tenant.Name, a.Cand.Tier, tokensIn, tokensOut, ex.GetType().Name, ex.Message);
        }
    }
}
