using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Daalu.Api.Schema;

namespace Daalu.Api.V1Alpha1;

/// <summary>
/// NVIDIA's dcgm-exporter (github.com/NVIDIA/dcgm-exporter) for this node's card, whose metrics the router's console
/// shows: either one already running (e.g. from NVIDIA's DaemonSet, Helm chart or the GPU Operator), named by
/// <see cref="Url"/>, or one the operator runs beside its device plugin (<see cref="Deploy"/>).
/// </summary>
[CelRule("self.deploy || has(self.url)", "dcgmExporter needs a url (an exporter already running) or deploy: true (the operator runs one)")]
public sealed class DcgmExporterSpec
{
    /// <summary>
    /// Its metrics URL as the router reaches it, e.g. http://10.0.0.5:9400/metrics (9400 is dcgm-exporter's default
    /// port). Compiled into the dcgmExporterUrl of every backend served on this node; given, it wins over the
    /// endpoint of an exporter the operator deploys.
    /// </summary>
    [MaxLength(2048)]
    [RegularExpression("^https?://[^\\s/?#]+(/\\S*)?$")]
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    /// <summary>
    /// Run dcgm-exporter on this node: the operator keeps one DaemonSet (and a Service) in the device plugin's
    /// namespace on every node whose GpuNode sets this, and, without a url, points the console at the node's exporter
    /// (status.dcgmExporterUrl). Leave false when the GPU Operator already runs one on the node (its port is taken).
    /// </summary>
    [Schema(DefaultJson = "false")]
    [JsonPropertyName("deploy")]
    public bool Deploy { get; set; }

    /// <summary>Pinned dcgm-exporter image for a deployed exporter (the first deploying GpuNode by name sets it).</summary>
    [MinLength(1)]
    [Schema(DefaultJson = "\"nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless\"")]
    [JsonPropertyName("image")]
    public string Image { get; set; } = DefaultImage;

    /// <summary>
    /// The image used when none is given: the release NVIDIA's static manifest deploys (dcgm-exporter.yaml at the root
    /// of github.com/NVIDIA/dcgm-exporter, commit d5e5f51, app version 4.8.2 on DCGM 4.5.3).
    /// </summary>
    public const string DefaultImage = "nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless";

    /// <summary>dcgm-exporter's metrics port (DCGM_EXPORTER_LISTEN ":9400" in NVIDIA's manifest and chart).</summary>
    public const int DefaultPort = 9400;
}
