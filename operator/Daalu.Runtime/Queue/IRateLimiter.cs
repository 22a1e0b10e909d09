namespace Daalu.Runtime.Queue;

/// <summary>Decides how long an item waits before it is retried (client-go's <c>RateLimiter</c>).</summary>
/// <typeparam name="T">The item type.</typeparam>
public interface IRateLimiter<in T>
{
    /// <summary>Records one more failure for <paramref name="item"/> and returns how long to wait.</summary>
    TimeSpan When(T item);

    /// <summary>Clears the failure history of <paramref name="item"/> (after a success).</summary>
    void Forget(T item);

    /// <summary>How many times <paramref name="item"/> has failed since it was last forgotten.</summary>
    int NumRequeues(T item);
}
