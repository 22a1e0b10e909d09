using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Forwarding;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

public class UpstreamClientTests
{
    // The executor leaves a policy's default connect timeout off the request (setting any request option allocates a
    // dictionary per call), so the client's fallback must be that same default.
    [Fact]
    public void DefaultConnectTimeout_IsThePolicyDefault() =>
        Assert.Equal(UpstreamClient.DefaultConnectTimeoutMs, new RoutingTimeouts().ConnectMs);
}
