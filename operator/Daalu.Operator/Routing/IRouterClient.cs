using Daalu.Contracts.Status;

namespace Daalu.Operator.Routing;

/// <summary>What the operator asks the running router about its configuration.</summary>
public interface IRouterClient
{
    /// <summary>
    /// The configuration the router has loaded (GET /admin/config: its hash and a verdict per backend, provider,
    /// tenant and policy), or null when the router cannot be reached or answers otherwise.
    /// </summary>
    Task<LoadedConfigDocument?> GetLoadedConfigAsync(string adminKey, CancellationToken cancellationToken);
}
