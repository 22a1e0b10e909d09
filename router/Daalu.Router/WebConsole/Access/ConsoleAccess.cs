using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;

namespace Daalu.Router.WebConsole.Access;

/// <summary>
/// The product's role rules for the console (DESIGN.md, "Console"), as one pure function. Roles are derived by the
/// router from its configuration (RoleResolver's rules), never chosen by the viewer. Usage panels are for everyone.
/// </summary>
internal static class ConsoleAccess
{
    /// <summary>
    /// Panels for a viewer. <paramref name="admin"/> with no <paramref name="viewedRole"/> is the all-tenants view;
    /// an admin looking at one tenant sees what that tenant's role sees (and may go back to all tenants).
    /// </summary>
    public static ConsolePanels For(TenantRole? viewedRole, bool admin) => (viewedRole, admin) switch
    {
        (null, true) => new ConsolePanels(Hardware: true, Backends: true, Diagnostics: true, PoolServed: true, Credits: true, Invitation: false, AllTenants: true),
        (TenantRole.Provider, _) => new ConsolePanels(Hardware: true, Backends: true, Diagnostics: true, PoolServed: true, Credits: true, Invitation: false, AllTenants: false),
        (TenantRole.Owner, _) => new ConsolePanels(Hardware: true, Backends: true, Diagnostics: true, PoolServed: false, Credits: true, Invitation: false, AllTenants: false),
        (TenantRole.None, _) => ConsolePanels.UsageOnly with { Invitation = true },
        _ => ConsolePanels.UsageOnly,
    };

    /// <summary>
    /// The tenant a request looks at: a tenant always looks at itself (naming another is refused: null, then 403);
    /// an admin looks at the tenant it names, or at all tenants (empty string) when it names none.
    /// </summary>
    public static string? ViewedTenant(string sessionTenant, bool admin, string? requested)
    {
        if (admin)
        {
            return string.IsNullOrWhiteSpace(requested) ? string.Empty : requested;
        }

        return string.IsNullOrWhiteSpace(requested) || string.Equals(requested, sessionTenant, StringComparison.Ordinal) ? sessionTenant : null;
    }
}
