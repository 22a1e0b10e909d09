using Daalu.Router.WebConsole.Live;
using Daalu.Router.WebConsole.Metrics;
using Daalu.TestDoubles.Dcgm;

namespace Daalu.Console.Tests.Unit;

public sealed class LiveReadingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void DcgmRead_ExporterText_EveryDefaultFieldPerGpu()
    {
        var exporter = new DcgmExporterDouble();
        exporter.Gpus.Add(new DcgmGpu { Index = "0", ModelName = "NVIDIA RTX 6000 Ada Generation", Utilization = 87, Temperature = 71, FramebufferUsedMiB = 43210, FramebufferFreeMiB = 5930, PowerWatts = 281.5, LastXid = 79 });
        exporter.Gpus.Add(new DcgmGpu { Index = "1", Uuid = "GPU-1", Utilization = 3 });
        var gpus = DcgmReading.Read("card", PromParser.Parse(exporter.Render()));
        Assert.Equal(2, gpus.Count);
        var g = gpus[0];
        Assert.Equal(("0", "NVIDIA RTX 6000 Ada Generation", "gpu-node-1"), (g.Gpu, g.Model, g.Host));
        Assert.Equal(87, g.UtilizationPercent);
        Assert.Equal(71, g.TemperatureC);
        Assert.Equal(43210, g.MemoryUsedMiB);
        Assert.Equal(5930, g.MemoryFreeMiB);
        Assert.Equal(281.5, g.PowerW);
        Assert.Equal(79, g.LastXid);
        Assert.Equal(12, g.Counters.Count);
        Assert.Equal(2505, g.Counters["DCGM_FI_DEV_SM_CLOCK"]);
        Assert.Equal(3, gpus[1].UtilizationPercent);
    }

    [Fact]
    public void PromParser_EscapesInfAndTimestamps_Parsed()
    {
        var samples = PromParser.Parse("""
            # HELP x y
            a{l="q\"uote",m="back\\slash"} 1.5 1700000000000
            b +Inf
            c NaN
            broken{l="x"
            d 2e3
            """);
        Assert.Equal(["a", "b", "c", "d"], samples.Select(s => s.Name));
        Assert.Equal("q\"uote", samples[0].Label("l"));
        Assert.Equal("back\\slash", samples[0].Label("m"));
        Assert.Equal(1.5, samples[0].Value);
        Assert.True(double.IsPositiveInfinity(samples[1].Value));
        Assert.Equal(2000, samples[3].Value);
    }

    [Fact]
    public void VllmRead_TwoScrapes_TokensPerSecondAndWindowTtft()
    {
        const string first = """
            vllm:num_requests_running{engine="0",model_name="m"} 2.0
            vllm:num_requests_waiting{engine="0",model_name="m"} 1.0
            vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.25
            vllm:generation_tokens_total{engine="0",model_name="m"} 1000.0
            vllm:time_to_first_token_seconds_sum{engine="0",model_name="m"} 10.0
            vllm:time_to_first_token_seconds_count{engine="0",model_name="m"} 100.0
            """;
        const string second = """
            vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.5
            vllm:generation_tokens_total{engine="0",model_name="m"} 1600.0
            vllm:time_to_first_token_seconds_sum{engine="0",model_name="m"} 13.0
            vllm:time_to_first_token_seconds_count{engine="0",model_name="m"} 110.0
            """;
        var a = VllmReading.Read(PromParser.Parse(first), T0);
        var b = VllmReading.Read(PromParser.Parse(second), T0.AddSeconds(5));
        Assert.Equal(0.25, a.KvCacheUsage);
        Assert.Equal(2, a.Running);
        Assert.Equal(0.5, b.KvCacheUsage);
        Assert.Null(VllmReading.TokensPerSecond(null, a));
        Assert.Equal(120, VllmReading.TokensPerSecond(a, b));
        Assert.Equal(0.1, VllmReading.MeanTtftSeconds(null, a));
        Assert.Equal(0.3, VllmReading.MeanTtftSeconds(a, b)!.Value, 6);
        Assert.Null(VllmReading.TokensPerSecond(b, a with { At = T0.AddSeconds(10) }));
    }
}
