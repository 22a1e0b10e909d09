namespace Daalu.Router.WebConsole.Billing;

/// <summary>One tier within one request class, per day of the chart (tokens in + out, and requests).</summary>
internal sealed record BillingSeries(string Tier, string RequestClass, IReadOnlyList<long> Tokens, IReadOnlyList<long> Requests);
