using Daalu.Router.Planning;

namespace Daalu.Router.Backends;

/// <summary>
/// Per-backend breaker: opens after N consecutive failures, after the open period lets exactly one probe call through
/// (half-open), closes on its success and re-opens on its failure. Time comes from the injected TimeProvider.
/// </summary>
public sealed class CircuitBreaker(TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _failures;
    private long _openUntil;
    private bool _probing;
    private bool _open;

    /// <summary>The state now (for planning, metrics and explanations).</summary>
    public CircuitState State
    {
        get
        {
            lock (_gate)
            {
                if (!_open)
                {
                    return CircuitState.Closed;
                }

                return time.GetTimestamp() >= _openUntil && !_probing ? CircuitState.HalfOpen : CircuitState.Open;
            }
        }
    }

    /// <summary>Asks to make a call: true when closed, or when this caller gets the single half-open probe.</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            if (!_open)
            {
                return true;
            }

            if (_probing || time.GetTimestamp() < _openUntil)
            {
                return false;
            }

            _probing = true;
            return true;
        }
    }

    /// <summary>The call reached the upstream and it answered properly.</summary>
    public void RecordSuccess()
    {
        lock (_gate)
        {
            _failures = 0;
            _open = false;
            _probing = false;
        }
    }

    /// <summary>The call failed in a way that says the upstream is unhealthy.</summary>
    public void RecordFailure(int threshold, TimeSpan openFor)
    {
        lock (_gate)
        {
            _failures++;
            if (_probing || _failures >= threshold)
            {
                _open = true;
                _probing = false;
                _openUntil = time.GetTimestamp() + (long)(openFor.TotalSeconds * time.TimestampFrequency);
            }
        }
    }

    /// <summary>A call that was allowed through ended without saying anything about health (e.g. client cancel).</summary>
    public void RecordNeutral()
    {
        lock (_gate)
        {
            _probing = false;
        }
    }
}
