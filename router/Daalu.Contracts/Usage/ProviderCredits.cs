namespace Daalu.Contracts.Usage;

/// <summary>Credits earned by contributing cards to the hosted pool, in the report's date range.</summary>
public sealed record ProviderCredits(decimal Total, IReadOnlyList<CardCredit> ByCard);
