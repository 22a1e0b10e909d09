using System.Globalization;
using System.Text;
using Daalu.Engine.Simulator.Timing;

namespace Daalu.Router.Hosting.Demo;

/// <summary>
/// The demo's stand-in for NVIDIA dcgm-exporter on a card with no GPU behind it. Pure. Follows the exporter's output
/// format: one "# HELP"/"# TYPE" pair per field, field names, types and help texts of its etc/default-counters.csv, and
/// the labels of its README's sample output (gpu, UUID, pci_bus_id, device, modelName, Hostname,
/// DCGM_FI_DRIVER_VERSION), https://github.com/NVIDIA/dcgm-exporter. What the values follow:
/// <list type="bullet">
/// <item>Framebuffer used: vLLM takes --gpu-memory-utilization of the card's memory at start and keeps it
/// (https://docs.vllm.ai/en/latest/configuration/engine_args.html), so used = the engines' fractions of the card's
/// memory (NVIDIA datasheets: 16 GB and 48 GB), free = the rest.</item>
/// <item>GPU utilisation: NVML's utilization.gpu is the share of the sample period in which one or more kernels ran
/// (https://docs.nvidia.com/deploy/nvml-api/structnvmlUtilization__t.html); a vLLM engine with a running batch launches
/// decode steps back to back, so 100 while any request runs, 0 when idle.</item>
/// <item>Power: busy draws 90 % of the board power of NVIDIA's datasheets (RTX 2000 Ada 70 W, RTX 6000 Ada 300 W),
/// idle 15 %; temperature 38 °C idle, 68 °C busy. These two are the demo's own round figures, not measurements.</item>
/// </list>
/// </summary>
public static class DemoCardMetrics
{
    /// <summary>The card's marketing name as dcgm-exporter's modelName label carries it, and its board power in W.</summary>
    public static (string ModelName, double BoardPowerW) Describe(GpuClass gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return gpu.Name switch
        {
            "rtx-2000-ada" => ("NVIDIA RTX 2000 Ada Generation", 70),
            "rtx-6000-ada" => ("NVIDIA RTX 6000 Ada Generation", 300),
            "rtx-a6000" => ("NVIDIA RTX A6000", 300),
            _ => (gpu.Name, 300),
        };
    }

    /// <summary>The exposition text for <paramref name="card"/> as GPU 0 of its node.</summary>
    public static string Render(DemoCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var (modelName, boardPower) = Describe(card.Gpu);
        var busy = card.Running > 0;
        var totalMiB = card.Gpu.MemoryGiB * 1024;
        var usedMiB = Math.Round(Math.Clamp(card.MemoryFraction, 0, 1) * totalMiB);
        var labels = $"gpu=\"0\",UUID=\"GPU-demo-{card.Node}\",pci_bus_id=\"00000000:01:00.0\",device=\"nvidia0\",modelName=\"{modelName}\",Hostname=\"{card.Node}\",DCGM_FI_DRIVER_VERSION=\"demo\"";
        var sb = new StringBuilder();
        void Field(string name, string type, string help, double value) =>
            sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name}{{{labels}}} {value.ToString(CultureInfo.InvariantCulture)}\n");
        Field("DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C).", busy ? 68 : 38);
        Field("DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).", Math.Round(boardPower * (busy ? 0.9 : 0.15), 3));
        Field("DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %).", busy ? 100 : 0);
        Field("DCGM_FI_DEV_XID_ERRORS", "gauge", "Value of the last XID error encountered.", 0);
        Field("DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB).", totalMiB - usedMiB);
        Field("DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB).", usedMiB);
        return sb.ToString();
    }
}
