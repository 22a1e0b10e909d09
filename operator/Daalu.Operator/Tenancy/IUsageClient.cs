using Daalu.Contracts.Usage;
using Daalu.Operator.Routing;

namespace Daalu.Operator.Tenancy;

/// <summary>Reads a tenant's usage from the router.</summary>
public interface IUsageClient
{
    /// <summary>GET /v1/usage?tenant=&amp;days= with the admin key. Throws <see cref="RouterUnavailableException"/> when it cannot be read.</summary>
    Task<UsageReport> GetUsageAsync(string adminKey, string tenant, int days, CancellationToken cancellationToken);
}
