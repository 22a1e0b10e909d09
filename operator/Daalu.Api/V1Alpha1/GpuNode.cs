using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Daalu.Api.Schema;
using k8s.Models;

namespace Daalu.Api.V1Alpha1;

/// <summary>
/// GpuNode declares one Kubernetes node with an NVIDIA Ada card to Daalu: who owns it, which class it is,
/// whether it contributes spare capacity to the hosted pool, and whether Daalu runs the NVIDIA device plugin on it.
/// </summary>
[CustomResource("GpuNode", "gpunodes", ResourceScope.Cluster, ShortNames = ["gn", "gpun"])]
[PrinterColumn(0, "Node", "string", ".spec.nodeName")]
[PrinterColumn(1, "Class", "string", ".status.gpuClass")]
[PrinterColumn(2, "Tenant", "string", ".spec.tenant")]
[PrinterColumn(3, "Phase", "string", ".status.phase")]
[PrinterColumn(4, "Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn(5, "Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason")]
[PrinterColumn(6, "Shared", "boolean", ".spec.sharing.enabled", Priority = 1)]
[PrinterColumn(7, "Product", "string", ".status.product", Priority = 1)]
[PrinterColumn(8, "Age", "date", ".metadata.creationTimestamp")]
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = "GpuNode", PluralName = "gpunodes")]
public sealed class GpuNode : CustomResource<GpuNodeSpec, GpuNodeStatus>
{
    /// <summary>Creates an empty GpuNode with its kind set.</summary>
    public GpuNode() => Kind = "GpuNode";
}

/// <summary>The desired state of a GpuNode.</summary>
[CelRule("self.tenant != '' || !self.sharing.enabled", "sharing applies only to a GpuNode owned by a tenant; operator-run capacity (empty tenant) is always in the hosted pool")]
public sealed class GpuNodeSpec
{
    /// <summary>Name of the Kubernetes Node this GPU is on.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    [JsonPropertyName("nodeName")]
    public string NodeName { get; set; } = string.Empty;

    /// <summary>Tenant that owns the card; empty means hosted capacity run by the operator.</summary>
    [MaxLength(TenantNames.MaxLength)]
    [RegularExpression(TenantNames.PatternOrEmpty)]
    [Schema(DefaultJson = "\"\"")]
    [JsonPropertyName("tenant")]
    public string Tenant { get; set; } = string.Empty;

    /// <summary>GPU class; auto detects it from GPU Feature Discovery labels on the node.</summary>
    [EnumValues(GpuClasses.Auto, GpuClasses.Rtx2000Ada, GpuClasses.Rtx6000Ada)]
    [Schema(DefaultJson = "\"auto\"")]
    [JsonPropertyName("gpuClass")]
    public string GpuClass { get; set; } = GpuClasses.Auto;

    /// <summary>Whether spare capacity on this card serves the hosted pool, and the contributor's revenue share.</summary>
    [Schema(DefaultJson = "{}")]
    [JsonPropertyName("sharing")]
    public GpuSharing Sharing { get; set; } = new();

    /// <summary>The NVIDIA device plugin that advertises nvidia.com/gpu on this node.</summary>
    [Schema(DefaultJson = "{}")]
    [JsonPropertyName("devicePlugin")]
    public DevicePluginSpec DevicePlugin { get; set; } = new();

    /// <summary>
    /// RuntimeClass for the GPU pods on this node (vLLM, and the device plugin when this GpuNode is the first by name).
    /// Omitted: the operator's --gpu-runtime-class, else `nvidia` when a RuntimeClass of that name exists (k3s, RKE2
    /// and the GPU Operator create it). An empty string runs them with the node's default runtime.
    /// </summary>
    [MaxLength(253)]
    [RegularExpression("^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    [JsonPropertyName("runtimeClassName")]
    public string? RuntimeClassName { get; set; }

    /// <summary>
    /// NVIDIA's dcgm-exporter for this card, whose metrics the router's console shows: an existing one (url) or one the
    /// operator runs (deploy). Omitted: no hardware view.
    /// </summary>
    [JsonPropertyName("dcgmExporter")]
    public DcgmExporterSpec? DcgmExporter { get; set; }
}

/// <summary>Contribution of a tenant's card to the hosted pool.</summary>
public sealed class GpuSharing
{
    /// <summary>Serve hosted-pool calls from other tenants on this card when it has spare capacity.</summary>
    [Schema(DefaultJson = "false")]
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; }

    /// <summary>Percent of the hosted price credited to the card's tenant for calls served on it.</summary>
    [Range(0, 100)]
    [Schema(DefaultJson = "70")]
    [JsonPropertyName("revenueSharePercent")]
    public int RevenueSharePercent { get; set; } = 70;
}

/// <summary>The NVIDIA device plugin DaemonSet the operator keeps on declared Ada nodes.</summary>
public sealed class DevicePluginSpec
{
    /// <summary>Run the device plugin on this node. Disable when the cluster already runs the NVIDIA GPU Operator.</summary>
    [Schema(DefaultJson = "true")]
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Pinned device plugin image.</summary>
    [MinLength(1)]
    [Schema(DefaultJson = "\"nvcr.io/nvidia/k8s-device-plugin:v0.20.0\"")]
    [JsonPropertyName("image")]
    public string Image { get; set; } = DefaultImage;

    /// <summary>
    /// The image used when none is given: the release NVIDIA's static manifest deploys
    /// (deployments/static/nvidia-device-plugin.yml at tag v0.20.0 of github.com/NVIDIA/k8s-device-plugin).
    /// </summary>
    public const string DefaultImage = "nvcr.io/nvidia/k8s-device-plugin:v0.20.0";
}

/// <summary>The observed state of a GpuNode.</summary>
public sealed class GpuNodeStatus
{
    /// <summary>The .metadata.generation this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long ObservedGeneration { get; set; }

    /// <summary>Pending, Ready, Unsupported or NodeNotFound.</summary>
    [EnumValues(GpuNodePhases.Pending, GpuNodePhases.Ready, GpuNodePhases.Unsupported, GpuNodePhases.NodeNotFound)]
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>The resolved GPU class (rtx-2000-ada or rtx-6000-ada).</summary>
    [JsonPropertyName("gpuClass")]
    public string? GpuClass { get; set; }

    /// <summary>GPU product as reported by GPU Feature Discovery (nvidia.com/gpu.product).</summary>
    [JsonPropertyName("product")]
    public string? Product { get; set; }

    /// <summary>Memory of one GPU in MiB (nvidia.com/gpu.memory).</summary>
    [JsonPropertyName("memoryMiB")]
    public long? MemoryMiB { get; set; }

    /// <summary>Number of GPUs on the node (allocatable nvidia.com/gpu, else nvidia.com/gpu.count).</summary>
    [JsonPropertyName("gpuCount")]
    public int? GpuCount { get; set; }

    /// <summary>Whether the device plugin pod on this node is ready.</summary>
    [JsonPropertyName("devicePluginReady")]
    public bool DevicePluginReady { get; set; }

    /// <summary>
    /// The metrics URL of this card's dcgm-exporter as the router reaches it: spec.dcgmExporter.url, else, with
    /// deploy, the exporter the operator runs on the node (its hostPort on the Node's InternalIP). Absent: none known.
    /// </summary>
    [JsonPropertyName("dcgmExporterUrl")]
    public string? DcgmExporterUrl { get; set; }

    /// <summary>Ready and other conditions.</summary>
    [Schema(ListType = "map", ListMapKeys = ["type"])]
    [JsonPropertyName("conditions")]
    public List<Condition> Conditions { get; set; } = [];
}

/// <summary>The phases of a GpuNode.</summary>
public static class GpuNodePhases
{
    /// <summary>Not reconciled yet, or waiting for the device plugin.</summary>
    public const string Pending = "Pending";

    /// <summary>The node has a supported card and the device plugin (when enabled) is ready.</summary>
    public const string Ready = "Ready";

    /// <summary>The node's GPU is not a supported Ada card.</summary>
    public const string Unsupported = "Unsupported";

    /// <summary>No Node of that name exists.</summary>
    public const string NodeNotFound = "NodeNotFound";
}
