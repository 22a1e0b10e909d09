namespace Daalu.Runtime.LeaderElection;

/// <summary>Leader election on a coordination.k8s.io Lease.</summary>
public sealed class LeaderElectionOptions
{
    /// <summary>Run controllers only while holding the lease. Off runs them at once (single replica, tests).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The Lease's name.</summary>
    public string LeaseName { get; set; } = "daalu-operator";

    /// <summary>The Lease's namespace (the operator's own, from POD_NAMESPACE when unset).</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>This candidate's identity (pod name + a random suffix when unset).</summary>
    public string? Identity { get; set; }

    /// <summary>How long others wait after the last observed renewal before taking over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The leader gives up (stops acting) when it could not renew for this long; must be below <see cref="LeaseDuration"/>.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time between acquire or renew attempts.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Clear the holder on a graceful stop so a successor need not wait out the lease.</summary>
    public bool ReleaseOnCancel { get; set; } = true;

    /// <summary>Throws when the timings cannot guarantee that the old leader stops before a new one starts.</summary>
    public void Validate()
    {
        if (RetryPeriod <= TimeSpan.Zero || RenewDeadline <= RetryPeriod)
        {
            throw new InvalidOperationException("leader election needs 0 < RetryPeriod < RenewDeadline");
        }

        if (RenewDeadline >= LeaseDuration)
        {
            throw new InvalidOperationException("leader election needs RenewDeadline < LeaseDuration, or two leaders could overlap");
        }

        ArgumentException.ThrowIfNullOrEmpty(LeaseName);
    }
}
