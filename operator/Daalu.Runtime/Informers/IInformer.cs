namespace Daalu.Runtime.Informers;

/// <summary>The kind-independent face of an informer: lifecycle and health.</summary>
public interface IInformer
{
    /// <summary>The kind's name.</summary>
    string Kind { get; }

    /// <summary>True once the first complete list is in the cache.</summary>
    bool HasSynced { get; }

    /// <summary>Watch restarts since start (closed streams, 410 re-lists, watchdog-detected stalls, errors).</summary>
    int WatchRestarts { get; }

    /// <summary>Watch restarts because the watchdog saw no event or bookmark in time.</summary>
    int StalledRestarts { get; }

    /// <summary>Completed re-lists after the first list (each 410 Expired causes one).</summary>
    int Relists { get; }

    /// <summary>Last time the informer heard from the API server (list, watch opened, event or bookmark).</summary>
    DateTimeOffset LastContactAt { get; }

    /// <summary>Completes after the first complete list.</summary>
    Task ReadyAsync(CancellationToken cancellationToken);

    /// <summary>Lists, then watches until <paramref name="cancellationToken"/> is cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
