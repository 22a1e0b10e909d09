using Daalu.Contracts.RouterConfig;
using Daalu.Contracts;
using Daalu.Router.Planning;

namespace Daalu.Router.Classification.Judging;

/// <summary>
/// Which backend the judge runs on: an OwnGpu backend of the requesting tenant serving the judge model (what its
/// /v1/models reported, else what the configuration expects), with a closed circuit, the least busy first. Only the
/// tenant's own card: a prompt is never sent to another tenant's card or to the hosted pool to be judged. Pure.
/// </summary>
public static class JudgeBackends
{
    /// <summary>The backend to ask, or null when the tenant has none that serves the model.</summary>
    public static BackendConfig? Pick(IReadOnlyList<BackendConfig> backends, Func<string, BackendView> view, string tenant, string model)
    {
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(view);
        BackendConfig? best = null;
        var bestInFlight = int.MaxValue;
        foreach (var b in backends)
        {
            if (b.Tier != TierNames.OwnGpu || b.Tenant != tenant)
            {
                continue;
            }

            var v = view(b.Name);
            var models = v.DetectedModels ?? b.Models;
            if (v.Circuit == CircuitState.Open || !models.Contains(model, StringComparer.Ordinal) || v.InFlight >= bestInFlight)
            {
                continue;
            }

            (best, bestInFlight) = (b, v.InFlight);
        }

        return best;
    }
}
