using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Daalu.Router.WebConsole.Access;

namespace Daalu.Router.WebConsole.Pages;

/// <summary>The console's page shell: every value is HTML-encoded; page data travels as one JSON island for the page script.</summary>
internal static class Html
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    public static string Num(double? value, string format = "0.#") => value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    public static string Num(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Money(decimal value) => "$" + value.ToString("0.000000", CultureInfo.InvariantCulture);

    /// <summary>
    /// A whole page. <paramref name="modelJson"/> is the page data, written by System.Text.Json (whose default encoder
    /// escapes &lt; and &gt;, so it cannot close the script element), as a JSON island.
    /// </summary>
    public static string Page(string pathBase, string title, string page, ConsoleViewer? viewer, string body, string? modelJson)
    {
        var sb = new StringBuilder(8192);
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append("<title>").Append(E(title)).Append(" · Daalu</title>");
        sb.Append("<link rel=\"stylesheet\" href=\"").Append(pathBase).Append("/assets/console.css\">");
        sb.Append("</head><body data-page=\"").Append(E(page)).Append("\">");
        sb.Append("<header class=\"top\"><span class=\"brand\">Daalu</span>");
        if (viewer is not null)
        {
            var q = viewer.Admin && !string.IsNullOrEmpty(viewer.ViewedTenant) ? "?tenant=" + Uri.EscapeDataString(viewer.ViewedTenant) : string.Empty;
            sb.Append("<nav>");
            Link(sb, pathBase + "/factory" + q, "AI Factory", page == "factory");
            Link(sb, pathBase + "/billing" + q, "Billing", page == "billing");
            if (viewer.Admin)
            {
                Link(sb, pathBase + "/admin", "All tenants", page == "admin");
            }

            sb.Append("</nav><span class=\"who\" data-testid=\"who\">")
              .Append(E(viewer.Session.Tenant));
            if (viewer.Admin)
            {
                sb.Append(" (admin)");
                if (!string.IsNullOrEmpty(viewer.ViewedTenant))
                {
                    sb.Append(" viewing <b data-testid=\"viewed-tenant\">").Append(E(viewer.ViewedTenant)).Append("</b>");
                }
            }

            sb.Append(" · <span class=\"role\" data-testid=\"role\">").Append(E(viewer.RoleName)).Append("</span></span>");
            sb.Append("<form method=\"post\" action=\"").Append(pathBase).Append("/logout\" class=\"logout\">")
              .Append("<input type=\"hidden\" name=\"csrf\" value=\"").Append(E(viewer.Session.CsrfToken)).Append("\">")
              .Append("<button type=\"submit\" data-testid=\"logout\">Log out</button></form>");
        }

        sb.Append("</header><main>");
        if (modelJson is not null && !ConsoleAssets.HasChartLibrary)
        {
            sb.Append("<p class=\"notice\">Charts are unavailable: this router was built without npm, so the chart library was not embedded (see docs/console.md).</p>");
        }

        sb.Append(body).Append("</main>");
        if (modelJson is not null)
        {
            sb.Append("<script type=\"application/json\" id=\"console-model\">").Append(modelJson).Append("</script>");
            sb.Append("<script src=\"").Append(pathBase).Append("/assets/chart.umd.min.js\"></script>");
            sb.Append("<script src=\"").Append(pathBase).Append("/assets/console.js\"></script>");
        }

        sb.Append("</body></html>");
        return sb.ToString();
    }

    private static void Link(StringBuilder sb, string href, string text, bool current) =>
        sb.Append("<a href=\"").Append(E(href)).Append('"').Append(current ? " aria-current=\"page\"" : string.Empty).Append('>').Append(E(text)).Append("</a>");
}
