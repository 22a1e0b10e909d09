namespace Daalu.Runtime.Controllers;

/// <summary>What the loop does with a key after a reconcile.</summary>
/// <param name="Forget">Reset the key's backoff.</param>
/// <param name="RequeueAfter">Add the key again after this delay.</param>
/// <param name="RateLimited">Add the key again after its next backoff delay.</param>
/// <param name="Result">The metric label: success, requeue_after, failure, terminal, error.</param>
public readonly record struct QueueAction(bool Forget, TimeSpan? RequeueAfter, bool RateLimited, string Result)
{
    /// <summary>
    /// Maps a reconcile's outcome to queue operations: success forgets (and re-adds after RequeueAfter), a failure
    /// backs off (or waits its own RequeueAfter), a terminal failure is dropped, an exception backs off.
    /// </summary>
    public static QueueAction For(ReconcileResult? result, Exception? exception)
    {
        if (exception is not null || result is null)
        {
            return new QueueAction(false, null, true, "error");
        }

        if (result.Succeeded)
        {
            return result.RequeueAfter is { } after
                ? new QueueAction(true, after, false, "requeue_after")
                : new QueueAction(true, null, false, "success");
        }

        if (result.Terminal)
        {
            return new QueueAction(true, null, false, "terminal");
        }

        return result.RequeueAfter is { } delay
            ? new QueueAction(false, delay, false, "failure")
            : new QueueAction(false, null, true, "failure");
    }
}
