namespace Daalu.Operator.Gpu;

/// <summary>The verdict of <see cref="GpuReadiness.Evaluate"/>.</summary>
/// <param name="Phase">The GpuNode phase.</param>
/// <param name="Ready">Whether the Ready condition is True.</param>
/// <param name="Reason">The Ready condition's reason: which step is missing.</param>
/// <param name="Message">What to check, with the commands.</param>
/// <param name="DevicePluginReady">status.devicePluginReady: the operator's plugin pod Ready, or, with the plugin disabled, GPUs advertised.</param>
public sealed record GpuReadinessResult(string Phase, bool Ready, string Reason, string Message, bool DevicePluginReady);
