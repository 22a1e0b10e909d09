using System.Globalization;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;

namespace Daalu.Router.WebConsole.Billing;

/// <summary>
/// The billing chart's data from a usage report, as a pure function: one series per (request class, tier) with a value
/// for every day of the range (zero where the ledger has no row), so the stacked bars add up to the report's rows.
/// </summary>
internal sealed record BillingChart(IReadOnlyList<string> Days, IReadOnlyList<BillingSeries> Series)
{
    /// <summary>Tiers in cascade order.</summary>
    public static readonly string[] TierOrder = ["OwnGpu", "Hosted", "External"];

    /// <summary>The product's request classes (DESIGN.md), in the order the page shows them.</summary>
    public static readonly string[] ClassOrder = ["classifier", "chat", "agent", "coding"];

    public static BillingChart From(UsageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var days = new List<string>();
        var from = DateOnly.ParseExact(report.From, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = DateOnly.ParseExact(report.To, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            days.Add(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        var dayIndex = days.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i, StringComparer.Ordinal);
        var classes = ClassOrder.Concat(report.Rows.Select(r => r.RequestClass).Where(c => !ClassOrder.Contains(c)).Distinct().Order(StringComparer.Ordinal)).ToList();
        var tiers = TierOrder.Concat(report.Rows.Select(r => r.Tier).Where(t => !TierOrder.Contains(t)).Distinct().Order(StringComparer.Ordinal)).ToList();
        var series = new List<BillingSeries>();
        foreach (var cls in classes)
        {
            foreach (var tier in tiers)
            {
                var tokens = new long[days.Count];
                var requests = new long[days.Count];
                foreach (var row in report.Rows)
                {
                    if (row.RequestClass == cls && row.Tier == tier && dayIndex.TryGetValue(row.Day, out var i))
                    {
                        tokens[i] += row.TokensIn + row.TokensOut;
                        requests[i] += row.Requests;
                    }
                }

                series.Add(new BillingSeries(tier, cls, tokens, requests));
            }
        }

        return new BillingChart(days, series);
    }
}
