namespace Daalu.Api.V1Alpha1;

/// <summary>The GPU classes Daalu supports, as written in <c>gpuClass</c> fields and the <c>ai.daalu.io/gpu-class</c> node label.</summary>
public static class GpuClasses
{
    /// <summary>Detect the class from GPU Feature Discovery labels.</summary>
    public const string Auto = "auto";

    /// <summary>NVIDIA RTX 2000 Ada Generation, 16 GB.</summary>
    public const string Rtx2000Ada = "rtx-2000-ada";

    /// <summary>NVIDIA RTX 6000 Ada Generation, 48 GB.</summary>
    public const string Rtx6000Ada = "rtx-6000-ada";
}
