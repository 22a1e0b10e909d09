using System.Text;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;
using Daalu.Router.WebConsole.Access;
using Daalu.Router.WebConsole.Usage;

namespace Daalu.Router.WebConsole.Pages;

/// <summary>
/// AI Factory: is the tenant's GPU online and how is each tier used; then by role (server-side, <see cref="ConsolePanels"/>):
/// hardware, live backends and diagnostics for Owners and Providers, the pool's service to other tenants for Providers,
/// usage panels for everyone, an invitation for None. A panel the role may not see is not in the HTML at all.
/// </summary>
internal static class FactoryPage
{
    public static string Body(ConsoleViewer viewer, UsageReport report, LatencySummary latency, IReadOnlyList<(string Name, bool? Reachable)> cards)
    {
        var p = viewer.Panels;
        var sb = new StringBuilder();
        sb.Append("<h1>AI Factory</h1>");
        var online = cards.Count(c => c.Reachable == true);
        sb.Append("<section class=\"card status\" data-panel=\"gpu-status\"><h2>GPU</h2>");
        if (cards.Count == 0)
        {
            sb.Append(viewer.Role == TenantRole.Consumer
                ? "<p data-testid=\"gpu-status\">No card of your own: your calls run on the shared GPU pool first.</p>"
                : "<p data-testid=\"gpu-status\">No card connected.</p>");
        }
        else
        {
            sb.Append("<p data-testid=\"gpu-status\" class=\"").Append(online > 0 ? "ok" : "bad").Append("\">")
              .Append(online > 0 ? "Online" : "Offline").Append(": ").Append(online).Append(" of ").Append(cards.Count).Append(" backend(s) reachable</p><ul>");
            foreach (var c in cards)
            {
                sb.Append("<li>").Append(Html.E(c.Name)).Append(": ").Append(c.Reachable switch { true => "reachable", false => "unreachable", null => "not probed yet" }).Append("</li>");
            }

            sb.Append("</ul>");
        }

        sb.Append("</section>");

        if (p.Invitation)
        {
            sb.Append("""
                <section class="card invite" data-panel="invitation"><h2>Get started</h2>
                <p>This tenant has no GPU of its own and is not enrolled in the hosted pool, so its calls can only reach external models.</p>
                <ul><li><b>Connect a card</b>: declare a GpuNode for your RTX 2000 Ada or RTX 6000 Ada node and a ModelServing on it; the router then sends your calls there first, free and private.</li>
                <li><b>Enrol in the hosted pool</b>: ask your platform team for a TenantQuota (a monthly token budget on the shared GPU pool).</li></ul></section>
                """);
        }

        var totals = report.Totals;
        sb.Append("<section class=\"card\" data-panel=\"usage\"><h2>Your usage, last ").Append(report.Days).Append(" days</h2><div class=\"kpis\">");
        Kpi(sb, "Tokens used", Html.Num(totals.TokensIn + totals.TokensOut), "usage-tokens");
        Kpi(sb, "Requests", Html.Num(totals.Requests), "usage-requests");
        Kpi(sb, "Hosted quota left", report.Quota is { } q ? $"{Html.Num(q.Left)} of {Html.Num(q.Budget)}" : "no plan", "usage-quota-left");
        Kpi(sb, "Average latency", latency.MeanLatencyMs is { } ms ? Html.Num(ms, "0.#") + " ms" : "–", "usage-latency");
        sb.Append("</div><div class=\"chart small\"><canvas id=\"chart-tier-usage\" aria-label=\"Requests by tier\"></canvas></div></section>");

        if (p.Hardware)
        {
            sb.Append("""
                <section class="card" data-panel="hardware"><h2>Card hardware <small>(NVIDIA dcgm-exporter)</small></h2>
                <div id="hardware-table" data-testid="hardware-table">loading…</div>
                <div class="chart"><canvas id="chart-gpu-util" aria-label="GPU utilisation and temperature"></canvas></div></section>
                """);
        }

        if (p.Backends)
        {
            sb.Append("""
                <section class="card" data-panel="backends"><h2>Backends, live <small>(vLLM /metrics)</small></h2>
                <div id="backends-table" data-testid="backends-table">loading…</div>
                <div class="chart"><canvas id="chart-kv-cache" aria-label="KV cache use and running requests"></canvas></div></section>
                """);
        }

        if (p.Diagnostics)
        {
            sb.Append("""
                <section class="card" data-panel="diagnostics"><h2>Diagnostics</h2>
                <p>Sends one tiny completion straight to each of your cards (not metered; at most one run per tenant every 30 s by default).</p>
                <button type="button" id="run-diagnostics" data-testid="run-diagnostics">Run diagnostics</button>
                <div id="diagnostics-result" data-testid="diagnostics-result"></div></section>
                """);
        }

        if (p.PoolServed)
        {
            var credit = report.ProviderCredits?.Total ?? 0;
            sb.Append("<section class=\"card\" data-panel=\"pool-served\"><h2>Served for other tenants</h2>")
              .Append("<p>Calls other tenants ran on your contributed card(s), and your revenue-share credit: <b data-testid=\"pool-credit\">")
              .Append(Html.Money(credit)).Append("</b></p><div class=\"chart\"><canvas id=\"chart-pool-served\" aria-label=\"Tokens served for other tenants\"></canvas></div></section>");
        }

        return sb.ToString();
    }

    private static void Kpi(StringBuilder sb, string label, string value, string id) =>
        sb.Append("<div class=\"kpi\"><span>").Append(Html.E(label)).Append("</span><b data-testid=\"").Append(id).Append("\">").Append(Html.E(value)).Append("</b></div>");
}
