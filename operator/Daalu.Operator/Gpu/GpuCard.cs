using Daalu.Api.V1Alpha1;

namespace Daalu.Operator.Gpu;

/// <summary>A supported card: its class name, the product string GPU Feature Discovery reports, and its memory.</summary>
/// <param name="GpuClass">The class name used in gpuClass fields and node labels.</param>
/// <param name="Product">The nvidia.com/gpu.product value GPU Feature Discovery writes for this card.</param>
/// <param name="MemoryMiB">Memory of one card in MiB as nvidia-smi (and so GPU Feature Discovery) reports it.</param>
public sealed record GpuCard(string GpuClass, string Product, long MemoryMiB)
{
    /// <summary>NVIDIA RTX 2000 Ada Generation, 16 GB.</summary>
    public static GpuCard Rtx2000Ada { get; } = new(GpuClasses.Rtx2000Ada, "NVIDIA-RTX-2000-Ada-Generation", 16380);

    /// <summary>NVIDIA RTX 6000 Ada Generation, 48 GB.</summary>
    public static GpuCard Rtx6000Ada { get; } = new(GpuClasses.Rtx6000Ada, "NVIDIA-RTX-6000-Ada-Generation", 49140);

    /// <summary>Every supported card.</summary>
    public static IReadOnlyList<GpuCard> Supported { get; } = [Rtx2000Ada, Rtx6000Ada];

    /// <summary>The card of a class name, or null when the class is not supported.</summary>
    public static GpuCard? ForClass(string? gpuClass) =>
        Supported.FirstOrDefault(c => string.Equals(c.GpuClass, gpuClass, StringComparison.Ordinal));

    /// <summary>
    /// The card of a GPU Feature Discovery product string, or null. GFD appends <c>-SHARED</c> when time-slicing is
    /// configured; that is still the same card.
    /// </summary>
    public static GpuCard? ForProduct(string? product)
    {
        if (string.IsNullOrWhiteSpace(product))
        {
            return null;
        }

        var trimmed = product.Trim();
        const string SharedSuffix = "-SHARED";
        if (trimmed.EndsWith(SharedSuffix, StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[..^SharedSuffix.Length];
        }

        return Supported.FirstOrDefault(c => string.Equals(c.Product, trimmed, StringComparison.OrdinalIgnoreCase));
    }
}
