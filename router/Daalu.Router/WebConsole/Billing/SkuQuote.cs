namespace Daalu.Router.WebConsole.Billing;

/// <summary>One commercial model in the SKU picker: its list prices and what the period's tokens would have cost on it.</summary>
internal sealed record SkuQuote(string Sku, decimal InputPerMTok, decimal OutputPerMTok, decimal Cost, decimal SavingsPercent)
{
    /// <summary>Joins the usage report's per-SKU cost with the configured prices (same SKU names).</summary>
    public static List<SkuQuote> From(IReadOnlyList<Gateway.Usage.CommercialSku> skus, IReadOnlyList<Contracts.Usage.SkuCost> costs)
    {
        ArgumentNullException.ThrowIfNull(skus);
        ArgumentNullException.ThrowIfNull(costs);
        var bySku = costs.ToDictionary(c => c.Sku, StringComparer.Ordinal);
        return [.. skus.Where(s => bySku.ContainsKey(s.Sku)).Select(s => new SkuQuote(s.Sku, s.InputPerMTok, s.OutputPerMTok, bySku[s.Sku].Cost, bySku[s.Sku].SavingsPercent))];
    }
}
