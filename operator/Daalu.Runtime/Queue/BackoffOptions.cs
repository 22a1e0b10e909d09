namespace Daalu.Runtime.Queue;

/// <summary>Retry timing of the work queue.</summary>
public sealed class BackoffOptions
{
    /// <summary>Delay of the first retry.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Ceiling of every retry delay; failing keys are retried forever at most this far apart.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Fraction of a delay that jitter may remove, in [0, 1).</summary>
    public double Jitter { get; set; } = 0.2;
}
