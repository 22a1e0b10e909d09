using Daalu.Engine.Simulator.Timing;
using Daalu.Router.Hosting.Demo;
using Daalu.Router.WebConsole.Live;
using Daalu.Router.WebConsole.Metrics;
using Xunit;

namespace Daalu.Router.Tests.Hosting;

/// <summary>
/// The demo's simulated dcgm-exporter: dcgm-exporter's field names and labels (its default-counters.csv and README),
/// memory as vLLM's --gpu-memory-utilization share of the card's datasheet memory, utilisation 100/0 by whether a batch
/// runs (NVML: share of time a kernel ran), board power from NVIDIA's datasheets; read back by the console's own parser.
/// </summary>
public sealed class DemoCardMetricsTests
{
    [Fact]
    public void Render_IdleRtx2000AdaWithTwoEngines_MemoryIsTheirSharesAndUtilisationZero()
    {
        var text = DemoCardMetrics.Render(new DemoCard(GpuClass.Rtx2000Ada, "demo-owner-node", 0.9, Running: 0));
        var gpu = Assert.Single(DcgmReading.Read("own-general", PromParser.Parse(text)));
        Assert.Equal("0", gpu.Gpu);
        Assert.Equal("NVIDIA RTX 2000 Ada Generation", gpu.Model);
        Assert.Equal("demo-owner-node", gpu.Host);
        Assert.Equal(Math.Round(0.9 * 16 * 1024), gpu.MemoryUsedMiB);
        Assert.Equal(16 * 1024, gpu.MemoryUsedMiB + gpu.MemoryFreeMiB);
        Assert.Equal(0, gpu.UtilizationPercent);
        Assert.Equal(70 * 0.15, gpu.PowerW);
        Assert.Equal(0, gpu.LastXid);
        foreach (var field in new[] { "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_XID_ERRORS" })
        {
            Assert.Contains($"# TYPE {field} gauge\n", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Render_BusyRtx6000Ada_FullUtilisationHotterAndNearBoardPower()
    {
        var idle = Assert.Single(DcgmReading.Read("pool-general", PromParser.Parse(DemoCardMetrics.Render(new DemoCard(GpuClass.Rtx6000Ada, "n", 0.9, 0)))));
        var busy = Assert.Single(DcgmReading.Read("pool-general", PromParser.Parse(DemoCardMetrics.Render(new DemoCard(GpuClass.Rtx6000Ada, "n", 0.9, 3)))));
        Assert.Equal("NVIDIA RTX 6000 Ada Generation", busy.Model);
        Assert.Equal(100, busy.UtilizationPercent);
        Assert.Equal(300 * 0.9, busy.PowerW);
        Assert.True(busy.TemperatureC > idle.TemperatureC);
        Assert.Equal(48 * 1024, busy.MemoryUsedMiB + busy.MemoryFreeMiB);
    }
}
