namespace Daalu.Router.WebConsole.Live;

/// <summary>
/// One GPU as NVIDIA dcgm-exporter reports it. The named fields are the reliability and capacity signals the page
/// leads with; <see cref="Counters"/> holds every DCGM_FI_* field the exporter served for this GPU (its default
/// counters: clocks, memory temperature, energy, PCIe, encoder/decoder, NVLink, remapped rows, ...).
/// </summary>
/// <param name="Backend">The router backend whose dcgmExporterUrl served it.</param>
/// <param name="Gpu">The exporter's <c>gpu</c> label (device index).</param>
/// <param name="Uuid">The <c>UUID</c> label.</param>
/// <param name="Model">The <c>modelName</c> label, e.g. "NVIDIA RTX 6000 Ada Generation".</param>
/// <param name="Host">The <c>Hostname</c> label.</param>
/// <param name="UtilizationPercent">DCGM_FI_DEV_GPU_UTIL.</param>
/// <param name="TemperatureC">DCGM_FI_DEV_GPU_TEMP.</param>
/// <param name="MemoryUsedMiB">DCGM_FI_DEV_FB_USED.</param>
/// <param name="MemoryFreeMiB">DCGM_FI_DEV_FB_FREE.</param>
/// <param name="PowerW">DCGM_FI_DEV_POWER_USAGE.</param>
/// <param name="LastXid">DCGM_FI_DEV_XID_ERRORS: the last XID error code (0 = none).</param>
/// <param name="Counters">Every DCGM_FI_* value for this GPU by field name.</param>
internal sealed record GpuHardware(
    string Backend,
    string Gpu,
    string Uuid,
    string Model,
    string Host,
    double? UtilizationPercent,
    double? TemperatureC,
    double? MemoryUsedMiB,
    double? MemoryFreeMiB,
    double? PowerW,
    double? LastXid,
    IReadOnlyDictionary<string, double> Counters);
