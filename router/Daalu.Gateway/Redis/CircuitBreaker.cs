namespace Daalu.Gateway.Redis;

/// <summary>
/// Consecutive-failure circuit breaker: after <c>threshold</c> failures in a row it opens for a while, then lets
/// one probe through (half-open); a success closes it. Thread-safe; time from the injected clock. Public so the
/// router's other Redis clients (the console's login throttle) open and close the same way as the quota gate.
/// </summary>
/// <param name="threshold">Consecutive failures that open it.</param>
/// <param name="openFor">How long it stays open before one probe is let through.</param>
/// <param name="time">Clock.</param>
public sealed class CircuitBreaker(int threshold, TimeSpan openFor, TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _failures;
    private DateTimeOffset _openUntil = DateTimeOffset.MinValue;
    private bool _probing;

    /// <summary>Whether calls are short-circuited now (open, or half-open with its probe in flight).</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _failures >= threshold && (time.GetUtcNow() < _openUntil || _probing);
            }
        }
    }

    /// <summary>Whether a call may go to Redis now.</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            if (_failures < threshold)
            {
                return true;
            }

            if (time.GetUtcNow() < _openUntil || _probing)
            {
                return false;
            }

            _probing = true; // half-open: exactly one probe
            return true;
        }
    }

    /// <summary>A call succeeded: closes the breaker.</summary>
    public void OnSuccess()
    {
        lock (_gate)
        {
            _failures = 0;
            _probing = false;
        }
    }

    /// <summary>A call failed or timed out: counts towards opening, and re-opens a half-open breaker.</summary>
    public void OnFailure()
    {
        lock (_gate)
        {
            _failures++;
            _probing = false;
            if (_failures >= threshold)
            {
                _openUntil = time.GetUtcNow() + openFor;
            }
        }
    }
}
