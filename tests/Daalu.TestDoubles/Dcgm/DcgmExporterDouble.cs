using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daalu.TestDoubles.Dcgm;

/// <summary>
/// Stands for NVIDIA dcgm-exporter (github.com/NVIDIA/dcgm-exporter): GET /metrics in Prometheus text format with a
/// "# HELP" and "# TYPE" line per field, the field names, types and help texts of its etc/default-counters.csv
/// (clocks, temperatures, power and total energy, PCIe replays, GPU/memory-copy utilisation, XID errors, framebuffer
/// free/used), and the labels of its README's sample output: gpu, UUID, pci_bus_id, device, modelName, Hostname,
/// DCGM_FI_DRIVER_VERSION.
/// </summary>
public sealed class DcgmExporterDouble : IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The GPUs served.</summary>
    public List<DcgmGpu> Gpus { get; } = [];

    /// <summary>Answer 503 instead of metrics (an exporter that lost its DCGM connection).</summary>
    public bool Failing { get; set; }

    /// <summary>Scrapes received.</summary>
    public int Scrapes { get; private set; }

    /// <summary>http://127.0.0.1:port/metrics once started.</summary>
    public string MetricsUrl { get; private set; } = string.Empty;

    /// <summary>Starts on a free port.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/metrics", () =>
        {
            Scrapes++;
            return Failing ? Results.StatusCode(503) : Results.Text(Render(), "text/plain; version=0.0.4; charset=utf-8");
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        MetricsUrl = address.TrimEnd('/') + "/metrics";
    }

    /// <summary>The exposition text for the current values.</summary>
    public string Render()
    {
        var sb = new StringBuilder();
        Field(sb, "DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz).", g => g.SmClockMHz);
        Field(sb, "DCGM_FI_DEV_MEM_CLOCK", "gauge", "Memory clock frequency (in MHz).", g => g.MemClockMHz);
        Field(sb, "DCGM_FI_DEV_MEMORY_TEMP", "gauge", "Memory temperature (in C).", g => g.MemoryTemperature);
        Field(sb, "DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C).", g => g.Temperature);
        Field(sb, "DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).", g => g.PowerWatts);
        Field(sb, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", "Total energy consumption since boot (in mJ).", g => g.EnergyMillijoules);
        Field(sb, "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "counter", "Total number of PCIe retries.", g => g.PcieReplays);
        Field(sb, "DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %).", g => g.Utilization);
        Field(sb, "DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory utilization (in %).", g => Math.Round(g.Utilization / 2));
        Field(sb, "DCGM_FI_DEV_XID_ERRORS", "gauge", "Value of the last XID error encountered.", g => g.LastXid);
        Field(sb, "DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB).", g => g.FramebufferFreeMiB);
        Field(sb, "DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB).", g => g.FramebufferUsedMiB);
        return sb.ToString();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private void Field(StringBuilder sb, string name, string type, string help, Func<DcgmGpu, double> value)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var g in Gpus)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name}{{gpu=\"{g.Index}\",UUID=\"{g.Uuid}\",pci_bus_id=\"00000000:0{g.Index}:00.0\",device=\"nvidia{g.Index}\",modelName=\"{g.ModelName}\",Hostname=\"{g.Hostname}\",DCGM_FI_DRIVER_VERSION=\"550.54.15\"}} {value(g).ToString(CultureInfo.InvariantCulture)}\n");
        }
    }
}
