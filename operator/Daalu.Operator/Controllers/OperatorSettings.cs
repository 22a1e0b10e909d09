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

    /// <summary>How often a ModelServing waiting for its weights inspection Pod reads the Pod again (Pods are not watched).</summary>
    public TimeSpan WeightsInspectionPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a failed weights inspection Pod is kept (so `kubectl logs` and its status show why) before it is deleted
    /// and the weights are read again, e.g. after the files were fixed.
    /// </summary>
    public TimeSpan WeightsInspectionRetry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Reconciles each controller runs at once (never two for one object). A reconcile mostly waits on API round
    /// trips (child creates, the status patch, an event), so one worker per core leaves the process idle while the API
    /// server answers; 8 keeps several round trips in flight.
    /// </summary>
    public int Workers { get; set; } = 8;

    /// <summary>
    /// A ModelServing whose GpuNode exists but has no status yet, and was created less than this long ago, waits for the
    /// GpuNode controller instead of being reported as not ready (see ModelServingReconciler.AwaitGpuNode); zero
    /// turns the wait off.
    /// </summary>
    public TimeSpan UnreconciledGpuNodeGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The RuntimeClass of GPU pods when a GpuNode does not set one: null detects it (nvidia when a RuntimeClass of that
    /// name exists), an empty string means the default runtime, anything else is used as given (--gpu-runtime-class).
    /// </summary>
    public string? GpuRuntimeClass { get; set; }

    /// <summary>
    /// The operator's version, written on the children it makes (ai.daalu.io/operator-version on the object, never in
    /// a pod template, so an upgrade alone does not restart pods).
    /// </summary>
    public string OperatorVersion { get; set; } = DefaultVersion();

    private static string DefaultVersion()
    {
        var version = typeof(OperatorSettings).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
