namespace Daalu.Contracts.Usage;

/// <summary>What the report's tokens would have cost on one commercial model, and the savings against actual spend.</summary>
public sealed record SkuCost(string Sku, decimal Cost, decimal SavingsPercent);
