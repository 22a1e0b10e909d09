namespace Daalu.Router.WebConsole.Access;

/// <summary>Which panels a viewer may see; every page and every data endpoint asks this, never the browser.</summary>
/// <param name="Hardware">The card's dcgm-exporter view (utilisation, temperature, memory, power, XID).</param>
/// <param name="Backends">The live vLLM view of the card's backends (KV cache, running/waiting, tokens/s, TTFT).</param>
/// <param name="Diagnostics">May run the synthetic probe through the card.</param>
/// <param name="PoolServed">What the tenant's contributed cards served for other tenants, and its credits.</param>
/// <param name="Credits">Provider revenue-share credits on the billing page.</param>
/// <param name="Invitation">No card and not enrolled: invited to connect a card or enrol.</param>
/// <param name="AllTenants">An admin's cross-tenant view.</param>
internal sealed record ConsolePanels(bool Hardware, bool Backends, bool Diagnostics, bool PoolServed, bool Credits, bool Invitation, bool AllTenants)
{
    public static readonly ConsolePanels UsageOnly = new(false, false, false, false, false, false, false);
}
