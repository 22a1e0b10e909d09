using Daalu.Api.V1Alpha1;

namespace Daalu.Operator.Routing;

/// <summary>
/// Copies of conditions to build a desired status from. <c>Conditions.Set</c> updates a condition in place, and the
/// status writer diffs the desired status against the object it was read from: editing shared instances would edit
/// both sides and the change would never be written.
/// </summary>
public static class ConditionCopies
{
    /// <summary>Deep copies of <paramref name="conditions"/>.</summary>
    public static List<Condition> Of(IEnumerable<Condition>? conditions) =>
        [.. (conditions ?? []).Select(c => new Condition
        {
            Type = c.Type,
            Status = c.Status,
            Reason = c.Reason,
            Message = c.Message,
            ObservedGeneration = c.ObservedGeneration,
            LastTransitionTime = c.LastTransitionTime,
        })];
}
