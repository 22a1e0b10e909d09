using Daalu.Runtime.Informers;
using Daalu.Runtime.LeaderElection;

namespace Daalu.Runtime.Hosting;

/// <summary>Settings of the operator host.</summary>
public sealed class OperatorOptions
{
    /// <summary>The reporting component name in events and the OpenTelemetry service name.</summary>
    public string Component { get; set; } = "daalu-operator";

    /// <summary>Leader election.</summary>
    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>Informer timing (applies to every informer).</summary>
    public InformerOptions Informers { get; set; } = new();

    /// <summary>/healthz fails when an informer has not synced, or not heard from the API server, for this long.</summary>
    public TimeSpan UnhealthyAfter { get; set; } = TimeSpan.FromMinutes(5);
}
