using System.Globalization;
using Daalu.Api.V1Alpha1;
using k8s.Models;

namespace Daalu.Operator.Gpu;

/// <summary>Resolves a node's GPU class from GPU Feature Discovery labels, allocatable resources and the GpuNode spec.</summary>
public static class GpuClassDetector
{
    /// <summary>Detects the GPU on <paramref name="node"/>, honouring an explicit <paramref name="specGpuClass"/>.</summary>
    public static GpuDetection Detect(V1Node node, string? specGpuClass)
    {
        ArgumentNullException.ThrowIfNull(node);
        var labels = node.Metadata?.Labels ?? new Dictionary<string, string>();
        labels.TryGetValue(WellKnown.GfdProductLabel, out var product);
        product = string.IsNullOrWhiteSpace(product) ? null : product.Trim();
        var labelledMemory = ParseLong(labels, WellKnown.GfdMemoryLabel);
        var count = AllocatableGpus(node) ?? (int?)ParseLong(labels, WellKnown.GfdCountLabel);
        var detectedCard = GpuCard.ForProduct(product);

        var explicitClass = string.IsNullOrEmpty(specGpuClass) || specGpuClass == GpuClasses.Auto ? null : specGpuClass;
        if (explicitClass is not null)
        {
            var declared = GpuCard.ForClass(explicitClass);
            if (declared is null)
            {
                return new(false, null, product, labelledMemory, count, GpuDetectionReasons.UnsupportedProduct,
                    $"spec.gpuClass '{explicitClass}' is not a supported class (supported: {SupportedClassList()}).");
            }

            // An explicit class is for nodes without GPU Feature Discovery; when GFD does report a product it must agree,
            // otherwise vLLM would be planned for memory the card does not have.
            if (product is not null && detectedCard != declared)
            {
                return new(false, null, product, labelledMemory, count, GpuDetectionReasons.ClassMismatch,
                    $"spec.gpuClass is '{explicitClass}' but GPU Feature Discovery reports product '{product}' on node '{node.Metadata?.Name}'.");
            }

            return new(true, declared.GpuClass, product ?? declared.Product, labelledMemory ?? declared.MemoryMiB, count,
                GpuDetectionReasons.Declared, $"GPU class '{declared.GpuClass}' declared in spec.gpuClass.");
        }

        if (product is null)
        {
            return new(false, null, null, labelledMemory, count, GpuDetectionReasons.NoGpuFeatureDiscoveryLabels,
                $"Node '{node.Metadata?.Name}' has no {WellKnown.GfdProductLabel} label: NVIDIA GPU Feature Discovery (with Node Feature " +
                $"Discovery) writes it once the NVIDIA driver works on the node. Check `kubectl get node {node.Metadata?.Name} -L " +
                $"{WellKnown.GfdProductLabel}`, that a gpu-feature-discovery pod runs on the node, and `nvidia-smi` there; or set spec.gpuClass.");
        }

        if (detectedCard is null)
        {
            return new(false, null, product, labelledMemory, count, GpuDetectionReasons.UnsupportedProduct,
                $"GPU product '{product}' on node '{node.Metadata?.Name}' is not a supported Ada card (supported: {SupportedProductList()}).");
        }

        return new(true, detectedCard.GpuClass, product, labelledMemory ?? detectedCard.MemoryMiB, count,
            GpuDetectionReasons.Detected, $"Detected {product} ({detectedCard.GpuClass}) from GPU Feature Discovery labels.");
    }

    private static int? AllocatableGpus(V1Node node)
    {
        if (node.Status?.Allocatable is { } allocatable
            && allocatable.TryGetValue(WellKnown.GpuResource, out var quantity)
            && quantity is not null)
        {
            var value = quantity.ToInt32();
            return value > 0 ? value : null;
        }

        return null;
    }

    private static long? ParseLong(IDictionary<string, string> labels, string key) =>
        labels.TryGetValue(key, out var raw) && long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : null;

    private static string SupportedClassList() => string.Join(", ", GpuCard.Supported.Select(c => c.GpuClass));

    private static string SupportedProductList() => string.Join(", ", GpuCard.Supported.Select(c => c.Product));
}
