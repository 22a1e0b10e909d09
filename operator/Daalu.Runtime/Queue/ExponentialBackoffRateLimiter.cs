namespace Daalu.Runtime.Queue;

/// <summary>Per-item capped exponential backoff with jitter (client-go's <c>ItemExponentialFailureRateLimiter</c> plus jitter).</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class ExponentialBackoffRateLimiter<T> : IRateLimiter<T>
    where T : notnull
{
    private readonly Dictionary<T, int> _failures = [];
    private readonly BackoffOptions _options;
    private readonly Random _random;
    private readonly Lock _gate = new();

    /// <summary>Creates the limiter.</summary>
    /// <param name="options">Timing.</param>
    /// <param name="random">The injected random source for jitter.</param>
    public ExponentialBackoffRateLimiter(BackoffOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        _options = options;
        _random = random;
    }

    /// <inheritdoc />
    public TimeSpan When(T item)
    {
        lock (_gate)
        {
            _failures.TryGetValue(item, out var failures);
            _failures[item] = failures + 1;
            return Backoff.Compute(failures, _options.BaseDelay, _options.MaxDelay, _options.Jitter, _random.NextDouble());
        }
    }

    /// <inheritdoc />
    public void Forget(T item)
    {
        lock (_gate)
        {
            _failures.Remove(item);
        }
    }

    /// <inheritdoc />
    public int NumRequeues(T item)
    {
        lock (_gate)
        {
            return _failures.TryGetValue(item, out var failures) ? failures : 0;
        }
    }
}
