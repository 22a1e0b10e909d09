using Daalu.Api.V1Alpha1;

namespace Daalu.Runtime.Status;

/// <summary>Sets conditions the Kubernetes way: <c>lastTransitionTime</c> moves only when the status flips.</summary>
public static class Conditions
{
    /// <summary>
    /// Sets condition <paramref name="type"/>. Reason, message and observedGeneration are updated in place;
    /// lastTransitionTime is set to <paramref name="now"/> (whole seconds, as the API stores it) only for a new
    /// condition or a changed status. Returns true when anything changed.
    /// </summary>
    public static bool Set(IList<Condition> conditions, string type, string status, string reason, string message, long observedGeneration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        if (status is not (ConditionStatus.True or ConditionStatus.False or ConditionStatus.Unknown))
        {
            throw new ArgumentException($"condition status must be True, False or Unknown, not '{status}'", nameof(status));
        }

        message ??= string.Empty;
        var existing = Find(conditions, type);
        if (existing is null)
        {
            conditions.Add(new Condition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = observedGeneration,
                LastTransitionTime = TruncateToSeconds(now),
            });
            return true;
        }

        var changed = false;
        if (existing.Status != status)
        {
            existing.Status = status;
            existing.LastTransitionTime = TruncateToSeconds(now);
            changed = true;
        }

        if (existing.Reason != reason)
        {
            existing.Reason = reason;
            changed = true;
        }

        if (existing.Message != message)
        {
            existing.Message = message;
            changed = true;
        }

        if (existing.ObservedGeneration != observedGeneration)
        {
            existing.ObservedGeneration = observedGeneration;
            changed = true;
        }

        return changed;
    }

    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static Condition? Find(IEnumerable<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>True when the condition exists with status True.</summary>
    public static bool IsTrue(IEnumerable<Condition>? conditions, string type) =>
        Find(conditions, type)?.Status == ConditionStatus.True;

    /// <summary>Removes the condition; returns true when it existed.</summary>
    public static bool Remove(IList<Condition> conditions, string type)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var existing = Find(conditions, type);
        return existing is not null && conditions.Remove(existing);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
