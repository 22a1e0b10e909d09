namespace Daalu.Router.Planning;

/// <summary>Circuit breaker state of a backend or provider.</summary>
public enum CircuitState
{
    /// <summary>Calls flow.</summary>
    Closed = 0,

    /// <summary>The open period is over: one probe call may go through.</summary>
    HalfOpen = 1,

    /// <summary>Too many consecutive failures: skipped until the open period ends.</summary>
    Open = 2,
}
