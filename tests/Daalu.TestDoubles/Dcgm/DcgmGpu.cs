namespace Daalu.TestDoubles.Dcgm;

/// <summary>One GPU as the <see cref="DcgmExporterDouble"/> reports it; every value settable by the test.</summary>
public sealed class DcgmGpu
{
    /// <summary>The <c>gpu</c> label (device index).</summary>
    public required string Index { get; init; }

    /// <summary>The <c>UUID</c> label.</summary>
    public string Uuid { get; init; } = "GPU-00000000-0000-0000-0000-000000000000";

    /// <summary>The <c>modelName</c> label (nvidia-smi's product name).</summary>
    public string ModelName { get; init; } = "NVIDIA RTX 6000 Ada Generation";

    /// <summary>The <c>Hostname</c> label.</summary>
    public string Hostname { get; init; } = "gpu-node-1";

    /// <summary>DCGM_FI_DEV_GPU_UTIL (%).</summary>
    public double Utilization { get; set; }

    /// <summary>DCGM_FI_DEV_GPU_TEMP (C).</summary>
    public double Temperature { get; set; }

    /// <summary>DCGM_FI_DEV_MEMORY_TEMP (C).</summary>
    public double MemoryTemperature { get; set; }

    /// <summary>DCGM_FI_DEV_FB_USED (MiB).</summary>
    public double FramebufferUsedMiB { get; set; }

    /// <summary>DCGM_FI_DEV_FB_FREE (MiB).</summary>
    public double FramebufferFreeMiB { get; set; }

    /// <summary>DCGM_FI_DEV_POWER_USAGE (W).</summary>
    public double PowerWatts { get; set; }

    /// <summary>DCGM_FI_DEV_XID_ERRORS: value of the last XID error (0 = none).</summary>
    public double LastXid { get; set; }

    /// <summary>DCGM_FI_DEV_SM_CLOCK (MHz).</summary>
    public double SmClockMHz { get; set; } = 2505;

    /// <summary>DCGM_FI_DEV_MEM_CLOCK (MHz).</summary>
    public double MemClockMHz { get; set; } = 10001;

    /// <summary>DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION (mJ since boot).</summary>
    public double EnergyMillijoules { get; set; } = 123_456_789;

    /// <summary>DCGM_FI_DEV_PCIE_REPLAY_COUNTER.</summary>
    public double PcieReplays { get; set; }
}
