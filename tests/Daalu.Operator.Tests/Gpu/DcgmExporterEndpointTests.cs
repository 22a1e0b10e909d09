using Daalu.Api.V1Alpha1;
using Daalu.Operator.Gpu;
using k8s.Models;

namespace Daalu.Operator.Tests.Gpu;

public sealed class DcgmExporterEndpointTests
{
    private static V1Node NodeWith(params (string Type, string Address)[] addresses) => new()
    {
        Metadata = new V1ObjectMeta { Name = "node-a" },
        Status = new V1NodeStatus { Addresses = addresses.Select(a => new V1NodeAddress { Type = a.Type, Address = a.Address }).ToList() },
    };

    [Fact]
    public void Resolve_DeployWithoutUrl_NodeInternalIpOnPort9400()
    {
        var url = DcgmExporterEndpoint.Resolve(new DcgmExporterSpec { Deploy = true }, NodeWith(("Hostname", "node-a"), ("ExternalIP", "203.0.113.7"), ("InternalIP", "10.0.0.5")));

        Assert.Equal("http://10.0.0.5:9400/metrics", url);
    }

    [Fact]
    public void Resolve_Ipv6InternalIp_Bracketed()
    {
        Assert.Equal("http://[fd00::5]:9400/metrics", DcgmExporterEndpoint.Resolve(new DcgmExporterSpec { Deploy = true }, NodeWith(("InternalIP", "fd00::5"))));
    }

    [Fact]
    public void Resolve_ExplicitUrl_WinsOverDeploy()
    {
        var url = DcgmExporterEndpoint.Resolve(new DcgmExporterSpec { Deploy = true, Url = "http://exporter.example:9400/metrics" }, NodeWith(("InternalIP", "10.0.0.5")));

        Assert.Equal("http://exporter.example:9400/metrics", url);
    }

    [Fact]
    public void Resolve_NoSpecOrNotDeployedOrNoAddress_Null()
    {
        Assert.Null(DcgmExporterEndpoint.Resolve(null, NodeWith(("InternalIP", "10.0.0.5"))));
        Assert.Null(DcgmExporterEndpoint.Resolve(new DcgmExporterSpec { Deploy = false }, NodeWith(("InternalIP", "10.0.0.5"))));
        Assert.Null(DcgmExporterEndpoint.Resolve(new DcgmExporterSpec { Deploy = true }, NodeWith(("Hostname", "node-a"))));
        Assert.Null(DcgmExporterEndpoint.Resolve(new DcgmExporterSpec { Deploy = true }, null));
    }
}
