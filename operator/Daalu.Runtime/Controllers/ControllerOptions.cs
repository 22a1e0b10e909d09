using Daalu.Runtime.Queue;

namespace Daalu.Runtime.Controllers;

/// <summary>How a controller runs.</summary>
public sealed class ControllerOptions
{
    /// <summary>Parallel reconciles (never two for one key).</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Retry timing of failed reconciles.</summary>
    public BackoffOptions Backoff { get; set; } = new();

    /// <summary>Re-enqueue every cached primary object this often (level-triggered safety net); null disables it.</summary>
    public TimeSpan? ResyncPeriod { get; set; } = TimeSpan.FromMinutes(30);
}
