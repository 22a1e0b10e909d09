using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;

namespace Daalu.Operator.Routing;

/// <summary>
/// The tiers a request class may use under a policy, as the router's planner decides them for a request that no
/// model-specific rule matches: the policy's tiers, then the first matching rule, then the coding invariant, then
/// enrolment (the hosted tier needs an enrolled plan).
/// </summary>
public static class EffectiveCascadeCalculator
{
    /// <summary>Tiers in cascade order for <paramref name="requestClass"/>.</summary>
    public static IReadOnlyList<string> For(IReadOnlyList<string> tiers, IReadOnlyList<RoutingRule> rules, string requestClass, bool hostedAllowed)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        ArgumentNullException.ThrowIfNull(rules);
        var result = new List<string>(tiers);
        var rule = rules.FirstOrDefault(r => r.Models.Count == 0 && (r.RequestClasses.Count == 0 || r.RequestClasses.Contains(requestClass)));
        if (rule is not null)
        {
            result.RemoveAll(t => rule.Action == RuleActions.Deny ? rule.Tiers.Contains(t) : !rule.Tiers.Contains(t));
        }

        // Applied after every rule, exactly as the router does, so no rule can undo it.
        if (requestClass == RequestClasses.Coding)
        {
            result.Remove(TierNames.External);
        }

        if (!hostedAllowed)
        {
            result.Remove(TierNames.Hosted);
        }

        return result;
    }
}
