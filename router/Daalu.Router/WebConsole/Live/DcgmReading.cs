using Daalu.Router.WebConsole.Metrics;

namespace Daalu.Router.WebConsole.Live;

/// <summary>
/// Turns NVIDIA dcgm-exporter's Prometheus text into <see cref="GpuHardware"/>, one per <c>gpu</c> label. Field names
/// and units follow dcgm-exporter's etc/default-counters.csv (github.com/NVIDIA/dcgm-exporter): GPU_UTIL in %,
/// GPU_TEMP in C, FB_USED/FB_FREE in MiB, POWER_USAGE in W, XID_ERRORS = value of the last XID error; labels gpu,
/// UUID, device, modelName, Hostname as in its README's sample output.
/// </summary>
internal static class DcgmReading
{
    public const string Util = "DCGM_FI_DEV_GPU_UTIL";
    public const string Temp = "DCGM_FI_DEV_GPU_TEMP";
    public const string FbUsed = "DCGM_FI_DEV_FB_USED";
    public const string FbFree = "DCGM_FI_DEV_FB_FREE";
    public const string Power = "DCGM_FI_DEV_POWER_USAGE";
    public const string Xid = "DCGM_FI_DEV_XID_ERRORS";

    public static List<GpuHardware> Read(string backend, IEnumerable<PromSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var byGpu = new SortedDictionary<string, List<PromSample>>(StringComparer.Ordinal);
        foreach (var s in samples)
        {
            if (!s.Name.StartsWith("DCGM_FI_", StringComparison.Ordinal))
            {
                continue;
            }

            var key = s.Label("gpu");
            if (key.Length == 0)
            {
                key = s.Label("UUID");
            }

            if (!byGpu.TryGetValue(key, out var list))
            {
                byGpu[key] = list = [];
            }

            list.Add(s);
        }

        var gpus = new List<GpuHardware>(byGpu.Count);
        foreach (var (gpu, list) in byGpu)
        {
            var counters = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var s in list)
            {
                // With Kubernetes pod mapping one field can appear once per container using the GPU: same value.
                counters[s.Name] = s.Value;
            }

            var first = list[0];
            gpus.Add(new GpuHardware(
                backend,
                gpu,
                first.Label("UUID"),
                first.Label("modelName"),
                first.Label("Hostname"),
                Get(counters, Util),
                Get(counters, Temp),
                Get(counters, FbUsed),
                Get(counters, FbFree),
                Get(counters, Power),
                Get(counters, Xid),
                counters));
        }

        return gpus;
    }

    private static double? Get(SortedDictionary<string, double> counters, string name) => counters.TryGetValue(name, out var v) ? v : null;
}
