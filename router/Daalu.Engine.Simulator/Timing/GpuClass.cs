namespace Daalu.Engine.Simulator.Timing;

/// <summary>
/// An NVIDIA Ada card as the timing model sees it: memory, memory bandwidth and dense FP16 tensor throughput.
/// Figures from NVIDIA's datasheets: RTX 2000 Ada Generation (16 GB GDDR6, 128-bit, 224 GB/s; 191.9 TFLOPS FP8 tensor
/// with sparsity, i.e. ~48 dense FP16 TFLOPS) and RTX 6000 Ada Generation (48 GB GDDR6, 384-bit, 960 GB/s; 1,457 TFLOPS
/// FP8 tensor with sparsity, i.e. ~364 dense FP16 TFLOPS). RTX A6000 (Ampere, 48 GB, 768 GB/s) is kept as the card
/// the published measurements the profiles are scaled from were taken on.
/// </summary>
public sealed record GpuClass(string Name, double MemoryGiB, double BandwidthGBps, double DenseFp16Tflops)
{
    /// <summary>NVIDIA RTX 2000 Ada Generation.</summary>
    public static GpuClass Rtx2000Ada { get; } = new("rtx-2000-ada", 16, 224, 48);

    /// <summary>NVIDIA RTX 6000 Ada Generation.</summary>
    public static GpuClass Rtx6000Ada { get; } = new("rtx-6000-ada", 48, 960, 364);

    /// <summary>NVIDIA RTX A6000 (the reference card of the measurements below).</summary>
    public static GpuClass RtxA6000 { get; } = new("rtx-a6000", 48, 768, 155);

    /// <summary>Looks a class up by its name (rtx-2000-ada, rtx-6000-ada, rtx-a6000).</summary>
    public static GpuClass? Find(string name) => name switch
    {
        "rtx-2000-ada" => Rtx2000Ada,
        "rtx-6000-ada" => Rtx6000Ada,
        "rtx-a6000" => RtxA6000,
        _ => null,
    };
}
