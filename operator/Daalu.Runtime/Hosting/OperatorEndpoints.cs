using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Daalu.Runtime.Hosting;

/// <summary>Maps /metrics, /healthz and /readyz.</summary>
public static class OperatorEndpoints
{
    /// <summary>Maps the operator's metrics and health endpoints.</summary>
    public static IEndpointRouteBuilder MapOperatorEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var metrics = endpoints.ServiceProvider.GetRequiredService<Diagnostics.OperatorMetrics>();
        endpoints.MapMetrics("/metrics", metrics.Registry);
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(OperatorServiceCollectionExtensions.LiveTag) });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(OperatorServiceCollectionExtensions.ReadyTag) });
        return endpoints;
    }
}
