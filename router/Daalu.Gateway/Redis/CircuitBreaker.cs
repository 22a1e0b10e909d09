namespace Daalu.Gateway.Redis;

/// <summary>
/// Consecutive-failure circuit breaker: after <c>threshold</c> failures in a row it opens for a while, then lets
/// one probe through (half-open); a success closes it. Thread-safe; time from the injected clock.
/// </summary>
internal sealed class CircuitBreaker(int threshold, TimeSpan openFor, TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _failures;
    private DateTimeOffset _openUntil = DateTimeOffset.MinValue;
    private bool _probing;

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

    public void OnSuccess()
    {
        lock (_gate)
        {
            _failures = 0;
            _probing = false;
        }
    }

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
