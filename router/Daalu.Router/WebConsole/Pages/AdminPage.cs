using System.Text;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;

namespace Daalu.Router.WebConsole.Pages;

/// <summary>The admin's view across tenants: each tenant's derived role, cards and last days' usage, with links into its pages.</summary>
internal static class AdminPage
{
    public static string Body(string pathBase, UsageReport report, IReadOnlyList<(string Tenant, string Role, int Cards, bool Admin)> tenants)
    {
        var sb = new StringBuilder();
        sb.Append("<h1>All tenants</h1><section class=\"card\" data-panel=\"tenants\"><table data-testid=\"tenants-table\"><thead><tr><th>Tenant</th><th>Role</th><th>Cards</th><th>Requests</th><th>Tokens</th><th>Spend</th><th></th></tr></thead><tbody>");
        foreach (var (tenant, role, cards, admin) in tenants)
        {
            var rows = report.Rows.Where(r => r.Tenant == tenant).ToList();
            var q = "?tenant=" + Uri.EscapeDataString(tenant);
            sb.Append("<tr data-tenant=\"").Append(Html.E(tenant)).Append("\"><td>").Append(Html.E(tenant)).Append(admin ? " (admin)" : string.Empty)
              .Append("</td><td>").Append(Html.E(role)).Append("</td><td>").Append(cards).Append("</td><td>").Append(Html.Num(rows.Sum(r => r.Requests)))
              .Append("</td><td>").Append(Html.Num(rows.Sum(r => r.TokensIn + r.TokensOut))).Append("</td><td>").Append(Html.Money(rows.Sum(r => r.Spend)))
              .Append("</td><td><a href=\"").Append(pathBase).Append("/factory").Append(Html.E(q)).Append("\">AI Factory</a> · <a href=\"").Append(pathBase).Append("/billing").Append(Html.E(q)).Append("\">Billing</a></td></tr>");
        }

        sb.Append("</tbody></table><p><a href=\"").Append(pathBase).Append("/factory\">Every card and backend</a> · <a href=\"").Append(pathBase).Append("/billing\">Billing across all tenants</a></p></section>");
        return sb.ToString();
    }
}
