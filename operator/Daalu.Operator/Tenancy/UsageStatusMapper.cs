using System.Globalization;
using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.Usage;

namespace Daalu.Operator.Tenancy;

/// <summary>
/// Turns the router's usage report (GET /v1/usage for one tenant over the current month) into TenantQuota status
/// fields, and decides the QuotaExceeded condition. Pure.
/// </summary>
public static class UsageStatusMapper
{
    private static readonly string[] TierOrder = [TierNames.OwnGpu, TierNames.Hosted, TierNames.External];

    /// <summary>The billing period of <paramref name="now"/>: the calendar month in UTC, e.g. 2026-11.</summary>
    public static string PeriodOf(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>How many days back to ask for so the report covers the month of <paramref name="now"/> (today included).</summary>
    public static int DaysInPeriodSoFar(DateTimeOffset now) => now.UtcDateTime.Day;

    /// <summary>Writes period usage by tier and class, spend, commercial equivalent, savings, credits and tokens into <paramref name="status"/>.</summary>
    public static void Apply(TenantQuotaStatus status, TenantQuotaSpec spec, UsageReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(report);
        var period = report.Quota?.Period ?? PeriodOf(now);
        var rows = report.Rows.Where(r => r.Day.StartsWith(period, StringComparison.Ordinal)).ToList();
        status.Period = period;
        status.Usage = [.. rows
            .GroupBy(r => (r.Tier, r.RequestClass))
            .Select(g => new UsageLine
            {
                Tier = g.Key.Tier,
                RequestClass = g.Key.RequestClass,
                Requests = g.Sum(r => r.Requests),
                TokensIn = g.Sum(r => r.TokensIn),
                TokensOut = g.Sum(r => r.TokensOut),
                Spend = g.Sum(r => r.Spend),
            })
            .OrderBy(l => Array.IndexOf(TierOrder, l.Tier) is var i && i < 0 ? int.MaxValue : i)
            .ThenBy(l => l.Tier, StringComparer.Ordinal)
            .ThenBy(l => l.RequestClass, StringComparer.Ordinal)];
        status.Spend = rows.Sum(r => r.Spend);
        status.CommercialEquivalent = rows.Sum(r => r.CommercialEquivalent);
        // The report's rows already carry the router's rule: rows metered without reference prices are priced at the
        // first commercial SKU (named in the report). Summing them and rounding with the router's own function keeps
        // the status equal to the report's totals and that SKU's line.
        status.SavingsPercent = SavingsPercent.Of(status.Spend, status.CommercialEquivalent);
        status.CommercialReferenceSku = string.IsNullOrEmpty(report.CommercialReferenceSku) ? null : report.CommercialReferenceSku;
        status.ProviderCredits = report.ProviderCredits?.ByCard.Where(c => c.Day.StartsWith(period, StringComparison.Ordinal)).Sum(c => c.Credit) ?? 0;
        var hostedUsed = rows.Where(r => r.Tier == TierNames.Hosted).Sum(r => r.TokensIn + r.TokensOut);
        status.TokensUsed = report.Quota?.Used ?? hostedUsed;
        status.TokensRemaining = report.Quota?.Left ?? Math.Max(0, spec.MonthlyTokenBudget - status.TokensUsed);
    }

    /// <summary>The QuotaExceeded condition (status, reason, message) for the current numbers.</summary>
    public static (string Status, string Reason, string Message) QuotaExceeded(TenantQuotaSpec spec, long tokensUsed, long tokensRemaining)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Enrolled)
        {
            return (ConditionStatus.False, Routing.RoutingReasons.NotEnforced, "Not enrolled in the hosted pool: the Hosted tier is never used for this tenant.");
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{tokensUsed} of {spec.MonthlyTokenBudget} hosted tokens used this period, {tokensRemaining} left.");
        if (spec.ShadowMode)
        {
            return (ConditionStatus.False, Routing.RoutingReasons.NotEnforced, "Shadow mode: measured, never refused. " + text);
        }

        if (tokensRemaining <= 0)
        {
            return (ConditionStatus.True, Routing.RoutingReasons.BudgetExhausted, text + " Hosted calls fall through to the next tier until the period ends.");
        }

        // The gateway reserves prompt + max_tokens (defaultMaxTokens when a request sets none) before a hosted call;
        // below that, every request without a smaller max_tokens is refused, which is what a user calls "out of quota".
        return tokensRemaining < spec.DefaultMaxTokens
            ? (ConditionStatus.True, Routing.RoutingReasons.BelowDefaultReservation,
                text + string.Create(CultureInfo.InvariantCulture, $" Less than defaultMaxTokens ({spec.DefaultMaxTokens}) is left: hosted calls without a smaller max_tokens fall through to the next tier."))
            : (ConditionStatus.False, Routing.RoutingReasons.WithinBudget, text);
    }
}
