using Daalu.Api.V1Alpha1;
using Daalu.Runtime.Status;

namespace Daalu.Runtime.Tests.Status;

public class ConditionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 10, 0, 0, 500, TimeSpan.Zero);

    [Fact]
    public void Set_NewCondition_AddedWithTransitionTimeInWholeSeconds()
    {
        var conditions = new List<Condition>();

        Assert.True(Conditions.Set(conditions, "Ready", ConditionStatus.False, "Pending", "waiting", 1, T0));

        var ready = Assert.Single(conditions);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), ready.LastTransitionTime);
        Assert.Equal(1, ready.ObservedGeneration);
    }

    [Fact]
    public void Set_SameStatusNewReason_TransitionTimeUnchanged()
    {
        var conditions = new List<Condition>();
        Conditions.Set(conditions, "Ready", ConditionStatus.False, "Pending", "waiting", 1, T0);

        var changed = Conditions.Set(conditions, "Ready", ConditionStatus.False, "ImagePull", "pulling", 2, T0.AddMinutes(5));

        Assert.True(changed);
        var ready = Assert.Single(conditions);
        Assert.Equal("ImagePull", ready.Reason);
        Assert.Equal(2, ready.ObservedGeneration);
        Assert.Equal(T0.AddMilliseconds(-500), ready.LastTransitionTime);
    }

    [Fact]
    public void Set_StatusFlips_TransitionTimeMoves()
    {
        var conditions = new List<Condition>();
        Conditions.Set(conditions, "Ready", ConditionStatus.False, "Pending", "waiting", 1, T0);

        Conditions.Set(conditions, "Ready", ConditionStatus.True, "Serving", "ok", 1, T0.AddMinutes(5));

        Assert.Equal(T0.AddMinutes(5).AddMilliseconds(-500), conditions[0].LastTransitionTime);
    }

    [Fact]
    public void Set_NothingDifferent_ReportsNoChange()
    {
        var conditions = new List<Condition>();
        Conditions.Set(conditions, "Ready", ConditionStatus.True, "Serving", "ok", 3, T0);

        Assert.False(Conditions.Set(conditions, "Ready", ConditionStatus.True, "Serving", "ok", 3, T0.AddHours(1)));
        Assert.Equal(T0.AddMilliseconds(-500), conditions[0].LastTransitionTime);
    }

    [Fact]
    public void Set_InvalidStatus_Throws()
    {
        Assert.Throws<ArgumentException>(() => Conditions.Set(new List<Condition>(), "Ready", "Yes", "R", "m", 1, T0));
    }

    [Fact]
    public void IsTrueAndRemove_TwoConditions_ActOnTheNamedOne()
    {
        var conditions = new List<Condition>();
        Conditions.Set(conditions, "Ready", ConditionStatus.True, "Serving", "ok", 1, T0);
        Conditions.Set(conditions, "Degraded", ConditionStatus.False, "Fine", "", 1, T0);

        Assert.True(Conditions.IsTrue(conditions, "Ready"));
        Assert.False(Conditions.IsTrue(conditions, "Degraded"));
        Assert.True(Conditions.Remove(conditions, "Ready"));
        Assert.False(Conditions.Remove(conditions, "Ready"));
        Assert.Equal("Degraded", Assert.Single(conditions).Type);
    }
}
