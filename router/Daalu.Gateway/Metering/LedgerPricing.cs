using System.Globalization;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Quota;

namespace Daalu.Gateway.Metering;

/// <summary>Prices a <see cref="CallRecord"/> into a ledger row. Pure; bad input gets an ArgumentException.</summary>
public static class LedgerPricing
{
    /// <summary>Nano-units per currency unit.</summary>
    public const long NanoPerUnit = 1_000_000_000L;

    /// <summary>
    /// Cost: Hosted at the plan's prices, External at the provider's, OwnGpu free. Commercial equivalent: the
    /// plan's reference prices (0 without a plan). Provider credit: Hosted on a contributed card only,
    /// cost x RevenueSharePercent / 100 to the contributor.
    /// </summary>
    public static PricedCall Price(CallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Require(!string.IsNullOrWhiteSpace(record.RequestId), "RequestId is required.");
        Require(record.Attempt >= 1, "Attempt must be 1 or more.");
        Require(!string.IsNullOrWhiteSpace(record.Tenant), "Tenant is required.");
        Require(record.TokensIn >= 0 && record.TokensOut >= 0, "Token counts must not be negative.");
        Require(record.RevenueSharePercent is >= 0 and <= 100, "RevenueSharePercent must be within 0..100.");
        Require(record.ExternalInputPerMTok >= 0 && record.ExternalOutputPerMTok >= 0, "Prices must not be negative.");
        var tier = Tiers.Normalize(record.Tier)
            ?? throw new ArgumentException($"Unknown tier '{record.Tier}' (expected OwnGpu, Hosted or External).", nameof(record));

        var plan = record.Plan;
        var cost = tier switch
        {
            Tiers.Hosted => plan is null ? 0 : Nano(plan.InputPerMTok, record.TokensIn) + Nano(plan.OutputPerMTok, record.TokensOut),
            Tiers.External => Nano(record.ExternalInputPerMTok, record.TokensIn) + Nano(record.ExternalOutputPerMTok, record.TokensOut),
            _ => 0L,
        };
        var commercial = plan is null ? 0 : Nano(plan.ReferenceInputPerMTok, record.TokensIn) + Nano(plan.ReferenceOutputPerMTok, record.TokensOut);
        var contributor = tier == Tiers.Hosted && !string.IsNullOrWhiteSpace(record.ContributorTenant) ? record.ContributorTenant : null;
        var credit = contributor is null ? 0 : (long)Math.Round(cost * (decimal)record.RevenueSharePercent / 100m, MidpointRounding.ToEven);
        return new PricedCall
        {
            RequestId = record.RequestId,
            Attempt = record.Attempt,
            Tenant = record.Tenant,
            Tier = tier,
            Backend = record.Backend ?? string.Empty,
            Model = record.Model ?? string.Empty,
            RequestClass = (record.RequestClass ?? string.Empty).ToLowerInvariant(),
            TokensIn = record.TokensIn,
            TokensOut = record.TokensOut,
            Estimated = record.Estimated,
            Partial = record.Partial,
            TtftMs = record.TtftMs,
            LatencyMs = record.LatencyMs,
            CostNano = cost,
            CommercialNano = commercial,
            CreditNano = credit,
            ContributorTenant = contributor,
            CompletedAtMs = record.CompletedAt.ToUnixTimeMilliseconds(),
            Day = QuotaMath.DayOf(record.CompletedAt),
            Period = QuotaMath.PeriodOf(record.CompletedAt),
        };
    }

    /// <summary>Price per million tokens times tokens, in nano-units, rounded half to even.</summary>
    public static long Nano(decimal pricePerMTok, long tokens)
    {
        if (pricePerMTok < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pricePerMTok), "Prices must not be negative.");
        }

        // per MTok: price / 1e6 per token = price * 1e3 nano per token.
        return (long)Math.Round(pricePerMTok * tokens * 1000m, MidpointRounding.ToEven);
    }

    /// <summary>Nano-units to currency units.</summary>
    public static decimal ToUnits(long nano) => nano / (decimal)NanoPerUnit;

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
