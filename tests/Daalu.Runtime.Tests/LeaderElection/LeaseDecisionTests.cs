using Daalu.Runtime.LeaderElection;
using k8s.Models;

namespace Daalu.Runtime.Tests.LeaderElection;

public class LeaseDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    private static V1Lease Lease(string? holder, int seconds = 15) => new() { Spec = new V1LeaseSpec { HolderIdentity = holder, LeaseDurationSeconds = seconds } };

    [Fact]
    public void Decide_NoLease_Create()
    {
        Assert.Equal(LeaseAction.Create, LeaseDecision.Decide(null, "me", Now, Now, Duration));
    }

    [Fact]
    public void Decide_WeHoldIt_Renew()
    {
        Assert.Equal(LeaseAction.Renew, LeaseDecision.Decide(Lease("me"), "me", Now, Now.AddMinutes(-10), Duration));
    }

    [Fact]
    public void Decide_OtherHolderObservedRecently_Wait()
    {
        Assert.Equal(LeaseAction.Wait, LeaseDecision.Decide(Lease("other"), "me", Now, Now.AddSeconds(-14.9), Duration));
    }

    [Fact]
    public void Decide_OtherHolderUnchangedForLeaseDuration_TakeOver()
    {
        Assert.Equal(LeaseAction.TakeOver, LeaseDecision.Decide(Lease("other"), "me", Now, Now.AddSeconds(-15), Duration));
    }

    [Fact]
    public void Decide_LeaseDurationFromTheLease_UsedOverDefault()
    {
        Assert.Equal(LeaseAction.Wait, LeaseDecision.Decide(Lease("other", 60), "me", Now, Now.AddSeconds(-30), Duration));
    }

    [Fact]
    public void Decide_ReleasedLease_TakeOverAtOnce()
    {
        Assert.Equal(LeaseAction.TakeOver, LeaseDecision.Decide(Lease(null), "me", Now, Now, Duration));
    }

    [Fact]
    public void Validate_RenewDeadlineNotBelowLeaseDuration_Throws()
    {
        var options = new LeaderElectionOptions { LeaseDuration = TimeSpan.FromSeconds(10), RenewDeadline = TimeSpan.FromSeconds(10) };

        Assert.Throws<InvalidOperationException>(options.Validate);
    }
}
