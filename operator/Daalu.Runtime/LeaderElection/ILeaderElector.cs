namespace Daalu.Runtime.LeaderElection;

/// <summary>Campaigns for a lease and runs work only while holding it.</summary>
public interface ILeaderElector
{
    /// <summary>This candidate's identity as written into the lease.</summary>
    string Identity { get; }

    /// <summary>True while this candidate holds the lease.</summary>
    bool IsLeader { get; }

    /// <summary>
    /// Acquires the lease, calls <paramref name="onStartedLeading"/> with a token that is cancelled the moment
    /// leadership ends, keeps renewing, and returns after calling <paramref name="onStoppedLeading"/> when the lease
    /// could not be renewed within the renew deadline or <paramref name="cancellationToken"/> was cancelled.
    /// </summary>
    Task RunAsync(Func<CancellationToken, Task> onStartedLeading, Action onStoppedLeading, CancellationToken cancellationToken);
}
