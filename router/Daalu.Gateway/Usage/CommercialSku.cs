namespace Daalu.Gateway.Usage;

/// <summary>A commercial model to compare against, with its list prices per million tokens.</summary>
public sealed record CommercialSku(string Sku, decimal InputPerMTok, decimal OutputPerMTok);
