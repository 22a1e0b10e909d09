namespace Daalu.Operator.Controllers;

/// <summary>Settings the reconcilers share, from the host's flags.</summary>
public sealed class OperatorSettings
{
    /// <summary>Namespace of the NVIDIA device plugin DaemonSet (created when missing).</summary>
    public string DevicePluginNamespace { get; set; } = "daalu-device-plugin";

    /// <summary>How often a deployed or endpoint ModelServing's /v1/models is polled.</summary>
    public TimeSpan DetectionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon a ModelServing waiting for something not watched (a Secret) is looked at again.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every cached object is reconciled again this often, as a level-triggered safety net.</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromMinutes(10);
}
