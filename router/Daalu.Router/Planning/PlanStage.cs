using Daalu.Router.Configuration;

namespace Daalu.Router.Planning;

/// <summary>
/// The plan stage: from an admitted request (tenant, class, model, features, difficulty) to the ordered candidates and
/// the skips with their reasons, over the backends' current view. Decides also what the plan needs computed first (a
/// difficulty rating, the prompt's prefix key), so the endpoint computes nothing the plan does not use. Pure given the
/// view and the random source.
/// </summary>
public static class PlanStage
{
    /// <summary>
    /// Whether the request's difficulty is rated: only where the rating is used (the plan for model auto or the
    /// hard-prompt skip, the explain answer, a route span being recorded), never for embeddings.
    /// </summary>
    public static bool RatesDifficulty(TenantRuntime tenant, ParsedRequest req, bool explain, bool tracing)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(req);
        return req.Features.Endpoint != RequestFeatures.Embeddings && (explain || CascadePlanner.UsesComplexity(tenant.Policy.Config, req.Model) || tracing);
    }

    /// <summary>
    /// Whether the prompt's prefix key orders the backends of a tier: the policy wants affinity, the call has a prompt,
    /// and there are two or more backends to order (with one there is nothing to choose).
    /// </summary>
    public static bool UsesPrefixAffinity(RouterSnapshot snap, TenantRuntime tenant, ParsedRequest req)
    {
        ArgumentNullException.ThrowIfNull(snap);
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(req);
        return tenant.Policy.Config.PrefixAffinity && req.Features.Endpoint != RequestFeatures.Embeddings && snap.Backends.Count > 1;
    }

    /// <summary>Plans <paramref name="req"/> as <paramref name="requestClass"/> at <paramref name="complexity"/> for <paramref name="tenant"/>.</summary>
    public static CascadePlan Plan(RouterSnapshot snap, TenantRuntime tenant, ParsedRequest req, string requestClass, int complexity, Func<string, BackendView> view, Random random)
    {
        var prefix = !UsesPrefixAffinity(snap, tenant, req) ? null
            : req.PrefixRead ? LoadBalancing.PrefixHasher.Compute(req.PrefixTurns, req.PromptText)
            : LoadBalancing.PrefixHasher.Compute(req.Body);
        return CascadePlanner.Plan(new PlanRequest(tenant, requestClass, req.Model, complexity, req.Features, prefix), snap, view, random);
    }
}
