using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Backends;
using Daalu.Router.Classification.Difficulty;
using Daalu.Router.Configuration;
using Daalu.Router.Observability;

namespace Daalu.Router.Classification.Judging;

/// <summary>
/// The third difficulty stage (issue 18, deliverable 3): when the policy has an enabled judge and the learned stage
/// decided with a confidence below the policy's threshold, the judge model on the tenant's own GPU rates the prompt
/// 1-3 within the policy's timeout. Its rating replaces the learned one; a timeout, an error or a malformed answer
/// keeps the learned rating. The verdict is cached per conversation, so an agent loop pays once.
/// </summary>
public sealed class DifficultyJudge(JudgeClient client, JudgeCache cache, BackendRegistry registry, RouterMetrics metrics)
{
    /// <summary>Whether the judge is asked: enabled, and the learned stage decided with too little confidence. Pure.</summary>
    public static bool ShouldAsk(JudgeSettings? judge, DifficultyDecision? decision)
    {
        if (judge is not { Enabled: true } || decision is null || decision.DecidedBy != DifficultyStages.Learned)
        {
            return false;
        }

        foreach (var s in decision.Stages)
        {
            if (s.Stage == DifficultyStages.Learned)
            {
                return s.Confidence * 100 < judge.ConfidenceBelowPercent;
            }
        }

        return false;
    }

    /// <summary>
    /// The classification with the judge stage applied (or recorded as failed); unchanged when <see cref="ShouldAsk"/>
    /// is false. Counts every call in <c>daalu_router_judge_calls_total</c> and its time in
    /// <c>daalu_router_judge_duration_seconds</c>.
    /// </summary>
    public async ValueTask<RequestClassification> RefineAsync(RequestClassification classification, RequestText text, TenantRuntime tenant, RouterSnapshot snap, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(classification);
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(snap);
        var judge = tenant.Policy.Config.Judge;
        if (!ShouldAsk(judge, classification.Difficulty))
        {
            return classification;
        }

        var key = ConversationKey.Compute(tenant.Name, text);
        if (cache.TryGet(key, out var cached))
        {
            metrics.JudgeCalls.WithLabels(JudgePurposes.Difficulty, JudgeOutcomes.Cached).Inc();
            return Apply(classification, new JudgeStage(JudgeOutcomes.Cached, cached, TimeSpan.Zero, Cached: true, Backend: null));
        }

        var backend = JudgeBackends.Pick(snap.Backends, registry.View, tenant.Name, judge!.Model);
        if (backend is null)
        {
            metrics.JudgeCalls.WithLabels(JudgePurposes.Difficulty, JudgeOutcomes.NoBackend).Inc();
            return Apply(classification, new JudgeStage(JudgeOutcomes.NoBackend, null, TimeSpan.Zero, Cached: false, Backend: null));
        }

        snap.BackendKeys.TryGetValue(backend.Name, out var backendKey);
        var body = JudgePrompts.Difficulty(judge.Model, text.LastUserText);
        JudgeReply reply;
        // A real request in the card's batch: counted in its load view (in flight, KV, prefill backlog) while it runs,
        // and out once on every path: an answer, a timeout or malformed answer (outcomes), cancellation or a fault (thrown).
        var load = JudgeLoad.Of(body);
        using (registry.Track(backend.Name, load.ExpectedTokens, load.PromptTokens, load.Key))
        {
            reply = await client.AskAsync(backend.Url, backendKey, body, 3, TimeSpan.FromMilliseconds(judge.TimeoutMs), ct);
        }

        metrics.JudgeCalls.WithLabels(JudgePurposes.Difficulty, reply.Outcome).Inc();
        metrics.JudgeDuration.WithLabels(JudgePurposes.Difficulty).Observe(reply.Elapsed.TotalSeconds);
        cache.Set(key, reply.Digit);
        return Apply(classification, new JudgeStage(reply.Outcome, reply.Digit, reply.Elapsed, Cached: false, Backend: backend.Name));
    }

    // A rating replaces the learned one (the judge decides); without one the learned rating stands.
    private static RequestClassification Apply(RequestClassification c, JudgeStage stage)
    {
        if (stage.Rating is not { } rating || c.Difficulty is not { } d)
        {
            return c with { Judge = stage };
        }

        var stages = new List<StageRating>(d.Stages.Count + 1);
        stages.AddRange(d.Stages);
        stages.Add(new StageRating(DifficultyStages.Judge, rating, 1.0, stage.Elapsed));
        return c with { Difficulty = new DifficultyDecision(rating, DifficultyStages.Judge, stages), Judge = stage };
    }
}
