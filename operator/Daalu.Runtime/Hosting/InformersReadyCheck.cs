using Daalu.Runtime.Informers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Daalu.Runtime.Hosting;

/// <summary>/readyz: every informer has synced.</summary>
internal sealed class InformersReadyCheck(IEnumerable<IInformer> informers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = informers.Where(i => !i.HasSynced).Select(i => i.Kind).ToList();
        return Task.FromResult(waiting.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"not synced: {string.Join(", ", waiting)}"));
    }
}
