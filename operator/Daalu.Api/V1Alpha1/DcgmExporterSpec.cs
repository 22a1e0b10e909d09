using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Daalu.Api.V1Alpha1;

/// <summary>
/// An NVIDIA dcgm-exporter (github.com/NVIDIA/dcgm-exporter) already running for this node's card, e.g. from NVIDIA's
/// DaemonSet, Helm chart or the GPU Operator; the router's console reads the card's hardware metrics from it.
/// </summary>
public sealed class DcgmExporterSpec
{
    /// <summary>
    /// Its metrics URL as the router reaches it, e.g. http://10.0.0.5:9400/metrics (9400 is dcgm-exporter's default
    /// port). Compiled into the dcgmExporterUrl of every backend served on this node.
    /// </summary>
    [Required]
    [MaxLength(2048)]
    [RegularExpression("^https?://[^\\s/?#]+(/\\S*)?$")]
    [JsonPropertyName("url")]
    public string Url { get; set; } = string.Empty;
}
