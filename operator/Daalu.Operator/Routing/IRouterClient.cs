namespace Daalu.Operator.Routing;

/// <summary>What the operator asks the running router about its configuration.</summary>
public interface IRouterClient
{
    /// <summary>
    /// The hash of the configuration the router has loaded (from POST /v1/route/explain, which reports it), or null
    /// when the router cannot be reached or answers otherwise.
    /// </summary>
    Task<string?> GetLoadedConfigHashAsync(string adminKey, CancellationToken cancellationToken);
}
