using Daalu.Api.V1Alpha1;

namespace Daalu.Operator.Routing;

/// <summary>What the compiler decided about one RoutingPolicy.</summary>
/// <param name="Accepted">Part of the compiled configuration.</param>
/// <param name="Reason">A <see cref="RoutingReasons"/> reason.</param>
/// <param name="Message">Why, for people.</param>
/// <param name="Tiers">Enabled tiers in order, comma-separated.</param>
/// <param name="EffectiveCascade">Tiers per tenant and request class after rules, enrolment and the coding invariant.</param>
public sealed record PolicyVerdict(bool Accepted, string Reason, string Message, string Tiers, IReadOnlyList<EffectiveCascade> EffectiveCascade);
