using Daalu.Contracts.Usage;
using Daalu.Router.WebConsole.Billing;

namespace Daalu.Router.WebConsole.Json;

/// <summary>The Billing page's JSON island.</summary>
internal sealed record BillingModel(
    string Page,
    string? Tenant,
    string Role,
    BillingChart Chart,
    UsageTotals Totals,
    ProviderCredits? Credits,
    IReadOnlyList<SkuQuote> Skus,
    ConsoleApiLinks Api);
