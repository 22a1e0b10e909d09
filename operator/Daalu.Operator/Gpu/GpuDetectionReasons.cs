namespace Daalu.Operator.Gpu;

/// <summary>Reasons a GPU detection can give.</summary>
public static class GpuDetectionReasons
{
    /// <summary>A supported card was detected from GPU Feature Discovery labels.</summary>
    public const string Detected = "Detected";

    /// <summary>The class was set explicitly in spec.gpuClass.</summary>
    public const string Declared = "Declared";

    /// <summary>The node's GPU is not a supported Ada card.</summary>
    public const string UnsupportedProduct = "UnsupportedProduct";

    /// <summary>spec.gpuClass disagrees with the product GPU Feature Discovery reports.</summary>
    public const string ClassMismatch = "ClassMismatch";

    /// <summary>spec.gpuClass is auto and the node has no nvidia.com/gpu.product label.</summary>
    public const string NoGpuFeatureDiscoveryLabels = "NoGpuFeatureDiscoveryLabels";
}
