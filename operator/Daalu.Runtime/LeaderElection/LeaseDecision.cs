using k8s.Models;

namespace Daalu.Runtime.LeaderElection;

/// <summary>The pure rule of lease-based leader election (client-go's tryAcquireOrRenew decision).</summary>
public static class LeaseDecision
{
    /// <summary>
    /// Decides from the lease as read. Expiry is measured from <paramref name="observedAt"/>, the local time this
    /// candidate last saw the lease record change, not from the holder's renewTime: clocks of different
    /// machines disagree, and only local elapsed time is trustworthy.
    /// </summary>
    public static LeaseAction Decide(V1Lease? lease, string identity, DateTimeOffset now, DateTimeOffset observedAt, TimeSpan defaultLeaseDuration)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity);
        if (lease is null)
        {
            return LeaseAction.Create;
        }

        var holder = lease.Spec?.HolderIdentity;
        if (string.IsNullOrEmpty(holder))
        {
            return LeaseAction.TakeOver;
        }

        if (holder == identity)
        {
            return LeaseAction.Renew;
        }

        var duration = lease.Spec?.LeaseDurationSeconds is int seconds and > 0 ? TimeSpan.FromSeconds(seconds) : defaultLeaseDuration;
        return observedAt + duration > now ? LeaseAction.Wait : LeaseAction.TakeOver;
    }
}
