namespace Daalu.Runtime.Events;

/// <summary>The two Kubernetes event types.</summary>
public static class EventTypes
{
    /// <summary>Routine progress.</summary>
    public const string Normal = "Normal";

    /// <summary>Something the user should look at.</summary>
    public const string Warning = "Warning";
}
