using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;
using Daalu.Router.WebConsole.Sessions;

namespace Daalu.Router.WebConsole.Access;

/// <summary>
/// Who is looking at what, resolved on the server for every request: the session's tenant, whether it is an admin,
/// the tenant being viewed (null = an admin's all-tenants view), that tenant's derived role and the panels it allows.
/// </summary>
internal sealed record ConsoleViewer(ConsoleSession Session, bool Admin, string? ViewedTenant, TenantRole? Role, ConsolePanels Panels)
{
    /// <summary>The request named a tenant the session may not view: answered 403, nothing read.</summary>
    public bool Refused { get; init; }

    public string RoleName => Role?.ToString() ?? "Admin";
}
