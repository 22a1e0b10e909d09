namespace Daalu.Router.WebConsole.Live;

/// <summary>The dcgm-exporter view of one backend's card(s): its GPUs, or why none could be read.</summary>
internal sealed record HardwareView(string Backend, string? ExporterUrl, string? Error, IReadOnlyList<GpuHardware> Gpus);
