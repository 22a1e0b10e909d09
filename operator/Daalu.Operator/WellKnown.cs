namespace Daalu.Operator;

/// <summary>Label, annotation, finalizer and resource names the operator writes or reads.</summary>
public static class WellKnown
{
    /// <summary>Node label with the resolved GPU class; the device plugin and class-pinned vLLM pods select on it.</summary>
    public const string GpuClassLabel = "ai.daalu.io/gpu-class";

    /// <summary>Node label with the owning tenant (empty value for operator-run hosted capacity).</summary>
    public const string TenantLabel = "ai.daalu.io/tenant";

    /// <summary>
    /// Node label set only where the GpuNode wants the device plugin: a cluster that already runs the NVIDIA GPU
    /// Operator on some nodes disables it per GpuNode, and the class label alone could not express that.
    /// </summary>
    public const string DevicePluginLabel = "ai.daalu.io/device-plugin";

    /// <summary>Value of <see cref="DevicePluginLabel"/> on nodes that run the device plugin.</summary>
    public const string DevicePluginLabelValue = "enabled";

    /// <summary>Node label set only where the GpuNode asks the operator to run dcgm-exporter (spec.dcgmExporter.deploy).</summary>
    public const string DcgmExporterLabel = "ai.daalu.io/dcgm-exporter";

    /// <summary>Value of <see cref="DcgmExporterLabel"/> on nodes that run dcgm-exporter.</summary>
    public const string DcgmExporterLabelValue = "enabled";

    /// <summary>Finalizer on a GpuNode: its node labels live outside owned children and must be removed on delete.</summary>
    public const string NodeLabelsFinalizer = "ai.daalu.io/node-labels";

    /// <summary>Label on every child object naming the operator as its manager.</summary>
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";

    /// <summary>Value of <see cref="ManagedByLabel"/>.</summary>
    public const string ManagedByValue = "daalu-operator";

    /// <summary>Label on vLLM children naming their ModelServing.</summary>
    public const string ModelServingLabel = "ai.daalu.io/model-serving";

    /// <summary>Annotation holding a hash of the desired child; a child is rewritten only when the hash differs.</summary>
    public const string SpecHashAnnotation = "ai.daalu.io/spec-hash";

    /// <summary>GPU Feature Discovery label: the GPU product, e.g. NVIDIA-RTX-6000-Ada-Generation.</summary>
    public const string GfdProductLabel = "nvidia.com/gpu.product";

    /// <summary>GPU Feature Discovery label: memory of one GPU in MiB.</summary>
    public const string GfdMemoryLabel = "nvidia.com/gpu.memory";

    /// <summary>GPU Feature Discovery label: number of GPUs.</summary>
    public const string GfdCountLabel = "nvidia.com/gpu.count";

    /// <summary>The extended resource the NVIDIA device plugin advertises.</summary>
    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>The node label every kubelet sets to its node name.</summary>
    public const string HostnameLabel = "kubernetes.io/hostname";
}
