using System.Net;
using System.Net.Sockets;
using Daalu.Api.V1Alpha1;
using k8s.Models;

namespace Daalu.Operator.Gpu;

/// <summary>
/// Where the router reads a card's dcgm-exporter metrics. A DaemonSet's pods share one template, so no Service can
/// pick the pod on one given node (a ClusterIP Service spreads scrapes over every node's exporter, and
/// internalTrafficPolicy Local only helps callers on that node); the deployed exporter therefore publishes its port
/// on the node (hostPort 9400) and the URL is the Node's InternalIP, which the operator already watches.
/// </summary>
public static class DcgmExporterEndpoint
{
    /// <summary>
    /// The metrics URL for this GpuNode: an explicit spec.dcgmExporter.url; else, with deploy, the node's exporter at
    /// http://&lt;InternalIP&gt;:9400/metrics (IPv6 in brackets); else null (no hardware view, or no address yet).
    /// </summary>
    public static string? Resolve(DcgmExporterSpec? spec, V1Node? node)
    {
        if (spec is null)
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(spec.Url))
        {
            return spec.Url;
        }

        if (!spec.Deploy)
        {
            return null;
        }

        var address = node?.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP" && IPAddress.TryParse(a.Address, out _))?.Address;
        if (address is null)
        {
            return null;
        }

        var host = IPAddress.Parse(address).AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address;
        return $"http://{host}:{DcgmExporterSpec.DefaultPort}/metrics";
    }
}
