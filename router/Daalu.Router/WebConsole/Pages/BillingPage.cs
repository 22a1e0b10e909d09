using System.Globalization;
using System.Text;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;
using Daalu.Router.WebConsole.Access;
using Daalu.Router.WebConsole.Billing;

namespace Daalu.Router.WebConsole.Pages;

/// <summary>
/// Billing: the last days' tokens stacked by tier and split by request class; spend against the commercial-only cost
/// (savings); provider credits; and a SKU picker with what each commercial model would have cost.
/// </summary>
internal static class BillingPage
{
    public static string Body(ConsoleViewer viewer, UsageReport report, IReadOnlyList<SkuQuote> skus)
    {
        var t = report.Totals;
        var sb = new StringBuilder();
        sb.Append("<h1>Billing</h1>");
        sb.Append("<section class=\"card\" data-panel=\"tier-breakdown\"><h2>Tokens by tier and request class, ").Append(Html.E(report.From)).Append(" to ").Append(Html.E(report.To))
          .Append("</h2><p class=\"hint\">Each day: one bar per request class (left to right: classifier, chat, agent, coding), stacked by tier. Hover a bar for its class.</p><div class=\"chart tall\"><canvas id=\"chart-billing\" aria-label=\"Tokens by tier and class per day\"></canvas></div></section>");
        sb.Append("<section class=\"card\" data-panel=\"savings\"><h2>Spend and savings</h2><div class=\"kpis\">");
        Kpi(sb, "Spend", Html.Money(t.Spend), "spend");
        Kpi(sb, "On commercial models alone", Html.Money(t.CommercialEquivalent), "commercial");
        Kpi(sb, "Savings", t.SavingsPercent.ToString("0.##", CultureInfo.InvariantCulture) + " %", "savings");
        sb.Append("</div><div class=\"chart small\"><canvas id=\"chart-spend\" aria-label=\"Spend against commercial-only cost\"></canvas></div></section>");
        if (viewer.Panels.Credits)
        {
            sb.Append("<section class=\"card\" data-panel=\"credits\"><h2>Provider credits</h2><p>Revenue share for calls other tenants ran on contributed cards: <b data-testid=\"credits-total\">")
              .Append(Html.Money(report.ProviderCredits?.Total ?? 0)).Append("</b></p><table><thead><tr><th>Day</th>");
            if (viewer.ViewedTenant is null)
            {
                sb.Append("<th>Contributor</th>");
            }

            sb.Append("<th>Card</th><th>Requests</th><th>Tokens</th><th>Credit</th></tr></thead><tbody>");
            foreach (var c in report.ProviderCredits?.ByCard ?? [])
            {
                sb.Append("<tr><td>").Append(Html.E(c.Day)).Append("</td>");
                if (viewer.ViewedTenant is null)
                {
                    sb.Append("<td>").Append(Html.E(c.Contributor)).Append("</td>");
                }

                sb.Append("<td>").Append(Html.E(c.Backend)).Append("</td><td>").Append(Html.Num(c.Requests)).Append("</td><td>").Append(Html.Num(c.Tokens))
                  .Append("</td><td>").Append(Html.Money(c.Credit)).Append("</td></tr>");
            }

            sb.Append("</tbody></table></section>");
        }

        sb.Append("<section class=\"card\" data-panel=\"sku-picker\"><h2>What it would have cost on a commercial model</h2>");
        if (skus.Count == 0)
        {
            sb.Append("<p>No commercial model is configured (providers' models with prices).</p>");
        }
        else
        {
            sb.Append("<p>For sizing how much GPU to buy: this period's ").Append(Html.Num(t.TokensIn)).Append(" input and ").Append(Html.Num(t.TokensOut))
              .Append(" output tokens, priced on one model.</p><label for=\"sku\">Model</label> <select id=\"sku\" data-testid=\"sku-select\">");
            foreach (var s in skus)
            {
                sb.Append("<option value=\"").Append(Html.E(s.Sku)).Append("\">").Append(Html.E(s.Sku)).Append("</option>");
            }

            var first = skus[0];
            sb.Append("</select><div class=\"kpis\">");
            Kpi(sb, "Input $/M tokens", first.InputPerMTok.ToString(CultureInfo.InvariantCulture), "sku-input-price");
            Kpi(sb, "Output $/M tokens", first.OutputPerMTok.ToString(CultureInfo.InvariantCulture), "sku-output-price");
            Kpi(sb, "Would have cost", Html.Money(first.Cost), "sku-cost");
            Kpi(sb, "Your savings against it", first.SavingsPercent.ToString("0.##", CultureInfo.InvariantCulture) + " %", "sku-savings");
            sb.Append("</div>");
        }

        sb.Append("</section>");
        return sb.ToString();
    }

    private static void Kpi(StringBuilder sb, string label, string value, string id) =>
        sb.Append("<div class=\"kpi\"><span>").Append(Html.E(label)).Append("</span><b data-testid=\"").Append(id).Append("\">").Append(Html.E(value)).Append("</b></div>");
}
