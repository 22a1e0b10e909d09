namespace Daalu.Runtime;

/// <summary>
/// What a reconcile asks of the loop: done (optionally look again after a delay), or failed
/// (retried with capped exponential backoff and jitter unless terminal).
/// </summary>
public sealed record ReconcileResult
{
    private ReconcileResult(bool succeeded, TimeSpan? requeueAfter, string? error, bool terminal)
    {
        Succeeded = succeeded;
        RequeueAfter = requeueAfter;
        Error = error;
        Terminal = terminal;
    }

    /// <summary>True when the object reached its desired state (or a terminal condition was recorded).</summary>
    public bool Succeeded { get; }

    /// <summary>Look at the object again after this delay.</summary>
    public TimeSpan? RequeueAfter { get; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; }

    /// <summary>A failure that retrying cannot fix; a condition says why and it is not requeued.</summary>
    public bool Terminal { get; }

    /// <summary>Done; optionally look again after <paramref name="requeueAfter"/>.</summary>
    public static ReconcileResult Success(TimeSpan? requeueAfter = null) => new(true, requeueAfter, null, false);

    /// <summary>Failed; retried with backoff (or after <paramref name="requeueAfter"/> when given).</summary>
    public static ReconcileResult Failure(string error, TimeSpan? requeueAfter = null) => new(false, requeueAfter, error, false);

    /// <summary>Failed in a way retrying cannot fix; not requeued.</summary>
    public static ReconcileResult TerminalFailure(string error) => new(false, null, error, true);
}
