using Daalu.Runtime.Informers;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Daalu.Runtime.Hosting;

/// <summary>/healthz: fails when an informer stays unsynced or cut off from the API server (see <see cref="InformerHealth"/>).</summary>
internal sealed class InformersLiveCheck(IEnumerable<IInformer> informers, IOptions<OperatorOptions> options, TimeProvider time) : IHealthCheck
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = InformerHealth.Problems(informers, _startedAt, time.GetUtcNow(), options.Value.UnhealthyAfter);
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }
}
