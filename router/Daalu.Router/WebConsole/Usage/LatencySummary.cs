namespace Daalu.Router.WebConsole.Usage;

/// <summary>Mean latency and time to first token over a tenant's (or every tenant's) metered calls in a date range.</summary>
internal sealed record LatencySummary(long Calls, double? MeanLatencyMs, double? MeanTtftMs);
