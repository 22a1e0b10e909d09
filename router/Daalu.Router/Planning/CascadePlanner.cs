using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Configuration;

namespace Daalu.Router.Planning;

/// <summary>
/// The cascade decision as a pure function: (tenant, class, model, complexity, features, backend states, policy)
/// -> ordered candidates and a reason for every skip. No I/O, no clock; randomness only through the given source.
/// </summary>
public static class CascadePlanner
{
    /// <summary>Plans one request.</summary>
    public static CascadePlan Plan(PlanRequest request, RouterSnapshot snapshot, Func<string, BackendView> state, Random random)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(random);
        var policy = request.Tenant.Policy;
        var skipped = new List<Skip>();
        var tiers = new List<string>(policy.Config.Tiers);

        var rule = policy.Config.Rules.FirstOrDefault(r =>
            (r.RequestClasses.Count == 0 || r.RequestClasses.Contains(request.RequestClass)) &&
            (r.Models.Count == 0 || r.Models.Any(m => ModelMatch.Matches(m, request.Model))));
        string? ruleName = null;
        if (rule is not null)
        {
            ruleName = rule.Name ?? $"#{policy.Config.Rules.IndexOf(rule) + 1}";
            foreach (var t in tiers.ToArray())
            {
                var keep = rule.Action switch
                {
                    RuleActions.Deny => !rule.Tiers.Contains(t),
                    _ => rule.Tiers.Contains(t),
                };
                if (!keep)
                {
                    tiers.Remove(t);
                    skipped.Add(new Skip(t, "*", SkipReasons.Rule, $"{rule.Action} rule {ruleName}"));
                }
            }
        }

        // The invariant is applied after every rule, so no policy or rule can undo it.
        if (request.RequestClass == RequestClasses.Coding && tiers.Remove(TierNames.External))
        {
            skipped.Add(new Skip(TierNames.External, "*", SkipReasons.CodingNeverExternal));
        }

        if (policy.Config.SkipOwnGpuForHardPrompts && request.RequestClass != RequestClasses.Coding && request.Complexity >= 3
            && tiers.Count > 1 && tiers.Remove(TierNames.OwnGpu))
        {
            skipped.Add(new Skip(TierNames.OwnGpu, "*", SkipReasons.HardPrompt, "complexity 3"));
        }

        var candidates = new List<Candidate>();
        foreach (var tier in tiers)
        {
            switch (tier)
            {
                case TierNames.OwnGpu:
                    PlanBackends(request, snapshot, tier, snapshot.Backends.Where(b => b.Tier == TierNames.OwnGpu && b.Tenant == request.Tenant.Name), state, random, candidates, skipped);
                    break;
                case TierNames.Hosted:
                    if (request.Tenant.Plan is not { Enrolled: true })
                    {
                        skipped.Add(new Skip(tier, "*", SkipReasons.NotEnrolled));
                        break;
                    }

                    PlanBackends(request, snapshot, tier, HostedPool(snapshot, request.Tenant.Name), state, random, candidates, skipped);
                    break;
                case TierNames.External:
                    PlanProviders(request, policy, state, candidates, skipped);
                    break;
            }
        }

        return new CascadePlan(request.RequestClass, request.Complexity, tiers, candidates, skipped, ruleName)
        {
            Prefix = request.Tenant.Policy.Config.PrefixAffinity ? request.Prefix : null,
        };
    }

    /// <summary>
    /// Whether a plan for <paramref name="model"/> under <paramref name="policy"/> depends on the request's complexity:
    /// the auto alias ranks backends by it and the hard-prompt rule skips the own-GPU tier on it. Otherwise
    /// <see cref="Plan"/> is the same for every complexity, so the caller need not rate it.
    /// </summary>
    public static bool UsesComplexity(PolicyConfig policy, string model)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.SkipOwnGpuForHardPrompts || model == ModelAliases.Auto;
    }

    /// <summary>Backends of the hosted pool as seen by <paramref name="tenant"/>: operator-run ones and other tenants' shared cards.</summary>
    public static IEnumerable<BackendConfig> HostedPool(RouterSnapshot snapshot, string tenant)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Backends.Where(b => b.Tier == TierNames.Hosted || (b.Shared && b.Tenant != tenant));
    }

    /// <summary>The models a backend serves: what it reported, else what the configuration expects.</summary>
    public static IReadOnlyList<string> ServedModels(BackendConfig backend, BackendView view)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(view);
        return view.DetectedModels is { Count: > 0 } d ? d : backend.Models;
    }

    /// <summary>Whether a provider model answers to the requested model or alias.</summary>
    public static bool ProviderServes(ProviderModel m, string model)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Name == model || m.Serves.Contains(model))
        {
            return true;
        }

        // auto means a general model outside the cluster (coding never gets here).
        return model == ModelAliases.Auto && m.Serves.Contains(ModelAliases.General);
    }

    private static void PlanBackends(PlanRequest request, RouterSnapshot snapshot, string tier, IEnumerable<BackendConfig> pool, Func<string, BackendView> state, Random random, List<Candidate> candidates, List<Skip> skipped)
    {
        var alias = ModelAliases.IsAlias(request.Model);
        var embedding = request.Features.Endpoint == RequestFeatures.Embeddings;
        var purpose = alias && !embedding ? ModelAliases.PurposeFor(request.Model, request.RequestClass) : null;
        var sat = request.Tenant.Policy.Config.Saturation;
        var found = new List<(Candidate C, int Rank, LoadBalancing.PickInput Input, double Cost)>();
        var prefix = request.Tenant.Policy.Config.PrefixAffinity ? request.Prefix : null;
        var promptTokens = prefix is { } pk ? (long)pk.Blocks * LoadBalancing.PrefixIndex.BlockTokens : 0;
        var any = false;
        var views = pool.Select(b => (B: b, View: state(b.Name))).ToList();
        // Without a TTFT objective there is nothing to judge: skip gathering the tier's samples.
        var tierTtft = sat.TtftObjectives.Count == 0 ? null : LoadBalancing.SaturationJudge.TierTtftP95(views.Select(v => v.View.Load), sat, tier);
        foreach (var (b, view) in views)
        {
            any = true;
            var served = ServedModels(b, view);
            if (served.Count == 0 && view.Reachable == false)
            {
                skipped.Add(new Skip(tier, b.Name, SkipReasons.Unreachable, "no answer from /v1/models"));
                continue;
            }

            // Embedding requests go only to declared embedding models, everything else only to the others.
            var models = embedding
                ? served.Where(b.EmbeddingModels.Contains).ToList()
                : b.EmbeddingModels.Count == 0 ? served : served.Where(m => !b.EmbeddingModels.Contains(m)).ToList();
            string upstream;
            if (embedding && models.Count == 0)
            {
                skipped.Add(new Skip(tier, b.Name, SkipReasons.EmbeddingMismatch, b.EmbeddingModels.Count == 0 ? "no embeddingModels declared" : "embedding model not detected"));
                continue;
            }

            if (embedding && alias)
            {
                upstream = models[0];
            }
            else if (!embedding && served.Contains(request.Model) && !models.Contains(request.Model))
            {
                skipped.Add(new Skip(tier, b.Name, SkipReasons.EmbeddingMismatch, "an embedding model cannot chat"));
                continue;
            }
            else if (alias)
            {
                if (b.Purpose != purpose)
                {
                    skipped.Add(new Skip(tier, b.Name, SkipReasons.PurposeMismatch, $"{b.Purpose} backend, {purpose} wanted"));
                    continue;
                }

                if (models.Count == 0)
                {
                    skipped.Add(served.Count == 0
                        ? new Skip(tier, b.Name, SkipReasons.ModelNotServed, "no models detected yet")
                        : new Skip(tier, b.Name, SkipReasons.EmbeddingMismatch, "serves only embedding models"));
                    continue;
                }

                upstream = models[0];
            }
            else if (models.Contains(request.Model))
            {
                upstream = request.Model;
            }
            else
            {
                skipped.Add(embedding && served.Contains(request.Model)
                    ? new Skip(tier, b.Name, SkipReasons.EmbeddingMismatch, "not declared in embeddingModels")
                    : new Skip(tier, b.Name, SkipReasons.ModelNotServed));
                continue;
            }

            if (request.Features.HasImages && !b.SupportsImages)
            {
                skipped.Add(new Skip(tier, b.Name, SkipReasons.NoImageSupport));
                continue;
            }

            if (view.Circuit == CircuitState.Open)
            {
                skipped.Add(new Skip(tier, b.Name, SkipReasons.CircuitOpen));
                continue;
            }

            if (LoadBalancing.SaturationJudge.Judge(view, sat, tier, tierTtft) is { } why)
            {
                skipped.Add(new Skip(tier, b.Name, SkipReasons.Saturated, why));
                continue;
            }

            // For auto the smallest model that is big enough for the prompt goes first; bigger ones next, smaller last.
            var rank = request.Model == ModelAliases.Auto
                ? (b.Capability >= request.Complexity ? b.Capability - request.Complexity : 10 + request.Complexity - b.Capability)
                : 0;
            var input = LoadBalancing.PickInput.From(view.Load, view.InFlight, prefix);
            found.Add((new Candidate(tier, b.Name, upstream, b, null, null), rank, input, LoadBalancing.WithinTierPicker.Cost(input, promptTokens)));
        }

        if (!any)
        {
            skipped.Add(new Skip(tier, "*", SkipReasons.NoBackends));
            return;
        }

        if (found.Count == 0)
        {
            return;
        }

        found.Sort((x, y) => x.Rank != y.Rank ? x.Rank.CompareTo(y.Rank) : x.Cost.CompareTo(y.Cost));
        var best = found.TakeWhile(f => f.Rank == found[0].Rank).Count();
        if (best >= 2)
        {
            // Among the equally good: the cheapest by load, prefill backlog and the prompt's prefix likely cached there,
            // ties to the likely holder of the prefix; else the cheaper of two at random (LoadBalancing/WithinTierPicker).
            var group = found.GetRange(0, best);
            var order = LoadBalancing.WithinTierPicker.Order(group.ConvertAll(f => f.C.Name), group.ConvertAll(f => f.Input), prefix, random);
            for (var o = 0; o < order.Length; o++)
            {
                found[o] = group[order[o]];
            }
        }

        candidates.AddRange(found.Select(f => f.C));
    }

    private static void PlanProviders(PlanRequest request, CompiledPolicy policy, Func<string, BackendView> state, List<Candidate> candidates, List<Skip> skipped)
    {
        const string tier = TierNames.External;
        if (policy.Providers.Count == 0)
        {
            skipped.Add(new Skip(tier, "*", SkipReasons.NoBackends));
            return;
        }

        foreach (var p in policy.Providers)
        {
            var anthropic = p.Config.ApiStyle == ApiStyles.Anthropic;
            if (!p.HasKey)
            {
                skipped.Add(new Skip(tier, p.Name, SkipReasons.NoApiKey));
                continue;
            }

            if (anthropic && request.Features.Endpoint != RequestFeatures.Chat)
            {
                skipped.Add(new Skip(tier, p.Name, SkipReasons.UnsupportedEndpoint, request.Features.Endpoint));
                continue;
            }

            if (anthropic && request.Features.HasTools && !p.Config.TranslateTools)
            {
                skipped.Add(new Skip(tier, p.Name, SkipReasons.ToolsNotTranslated));
                continue;
            }

            var embedding = request.Features.Endpoint == RequestFeatures.Embeddings;
            var model = p.Config.Models.FirstOrDefault(m => m.Embeddings == embedding && ProviderServes(m, request.Model))
                ?? (embedding && request.Model == ModelAliases.Auto ? p.Config.Models.FirstOrDefault(m => m.Embeddings) : null);
            if (model is null)
            {
                var other = p.Config.Models.Any(m => m.Embeddings != embedding && (m.Name == request.Model || m.Serves.Contains(request.Model)));
                skipped.Add(new Skip(tier, p.Name, other || embedding ? SkipReasons.EmbeddingMismatch : SkipReasons.ModelNotServed));
                continue;
            }

            if (request.Features.HasImages && !model.SupportsImages)
            {
                skipped.Add(new Skip(tier, p.Name, SkipReasons.NoImageSupport));
                continue;
            }

            if (state(p.Name).Circuit == CircuitState.Open)
            {
                skipped.Add(new Skip(tier, p.Name, SkipReasons.CircuitOpen));
                continue;
            }

            candidates.Add(new Candidate(tier, p.Name, model.Name, null, p, model));
        }
    }
}
