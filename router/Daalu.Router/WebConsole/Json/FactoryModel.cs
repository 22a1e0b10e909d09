using Daalu.Contracts.Usage;
using Daalu.Router.WebConsole.Access;
using Daalu.Router.WebConsole.Usage;

namespace Daalu.Router.WebConsole.Json;

/// <summary>The AI Factory page's JSON island.</summary>
internal sealed record FactoryModel(
    string Page,
    string? Tenant,
    string Role,
    ConsolePanels Panels,
    string Csrf,
    IReadOnlyList<TierUse> Tiers,
    FactoryUsage Usage,
    ServedByDay? PoolServed,
    ConsoleApiLinks Api);

/// <summary>Requests and tokens (in + out) of one tier in the period.</summary>
internal sealed record TierUse(string Tier, long Requests, long Tokens);

/// <summary>The period's totals, quota and latency on the AI Factory page.</summary>
internal sealed record FactoryUsage(long Requests, long Tokens, QuotaStatus? Quota, LatencySummary Latency);

/// <summary>What a provider's cards served for the pool, per day of the chart.</summary>
internal sealed record ServedByDay(IReadOnlyList<string> Days, IReadOnlyList<long> Tokens, IReadOnlyList<long> Requests, decimal Credit);
