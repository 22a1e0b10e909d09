using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Daalu.Console.Tests.Browser;

/// <summary>What a Billing page in the browser must show for a usage report from GET /v1/usage (the ledger's numbers).</summary>
internal static class BillingChartCheck
{
    /// <summary>The Chart.js data of the canvas <paramref name="canvasId"/>, as the page holds it.</summary>
    public static async Task<JsonNode> ChartDataAsync(IPage page, string canvasId)
    {
        var json = await page.EvaluateAsync<string>($"() => JSON.stringify(Chart.getChart('{canvasId}').data)");
        return JsonNode.Parse(json)!;
    }

    /// <summary>Every (day, tier, class) bar segment equals the usage API's tokens for it, nothing is missing, and the spend/savings figures match.</summary>
    public static async Task AssertMatchesUsageAsync(IPage page, JsonNode usage)
    {
        var chart = await ChartDataAsync(page, "chart-billing");
        var days = chart["labels"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Equal(7, days.Count);
        Assert.Equal(usage["to"]!.GetValue<string>(), days[^1]);
        var shown = new Dictionary<(string, string, string), long>();
        foreach (var ds in chart["datasets"]!.AsArray())
        {
            var data = ds!["data"]!.AsArray();
            for (var i = 0; i < days.Count; i++)
            {
                var v = data[i]!.GetValue<long>();
                if (v != 0)
                {
                    shown[(days[i], ds["tier"]!.GetValue<string>(), ds["stack"]!.GetValue<string>())] = v;
                }
            }
        }

        var expected = new Dictionary<(string, string, string), long>();
        foreach (var row in usage["rows"]!.AsArray())
        {
            var k = (row!["day"]!.GetValue<string>(), row["tier"]!.GetValue<string>(), row["requestClass"]!.GetValue<string>());
            expected[k] = expected.GetValueOrDefault(k) + row["tokensIn"]!.GetValue<long>() + row["tokensOut"]!.GetValue<long>();
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(e => e.Key).ToList(), shown.OrderBy(e => e.Key).ToList());
        var totals = usage["totals"]!;
        Assert.Equal("$" + totals["spend"]!.GetValue<decimal>().ToString("0.000000", CultureInfo.InvariantCulture), await page.GetByTestId("spend").InnerTextAsync());
        Assert.Equal("$" + totals["commercialEquivalent"]!.GetValue<decimal>().ToString("0.000000", CultureInfo.InvariantCulture), await page.GetByTestId("commercial").InnerTextAsync());
        Assert.Equal(totals["savingsPercent"]!.GetValue<decimal>().ToString("0.##", CultureInfo.InvariantCulture) + " %", await page.GetByTestId("savings").InnerTextAsync());
    }
}
