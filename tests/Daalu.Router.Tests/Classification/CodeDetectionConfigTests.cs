using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Classification;

public sealed class CodeDetectionConfigTests
{
    private static RouterConfiguration Valid() => TestConfigs.Standard("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3/v1");

    [Theory]
    [InlineData(CodeDetectionModes.Enforce)]
    [InlineData(CodeDetectionModes.Report)]
    [InlineData(CodeDetectionModes.Off)]
    public void Validate_KnownMode_Accepted(string mode)
    {
        var c = Valid();
        c.Policies[0].CodeDetection = mode;

        Assert.DoesNotContain(RouterConfigValidator.Validate(c), e => e.Contains("codeDetection", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownMode_RefusedWithClearMessage()
    {
        var c = Valid();
        c.Policies[0].CodeDetection = "sometimes";

        Assert.Contains(RouterConfigValidator.Validate(c), e => e.Contains("codeDetection must be enforce, report or off, not 'sometimes'", StringComparison.Ordinal));
    }

    [Fact]
    public void PolicyConfig_Default_IsEnforce()
    {
        Assert.Equal(CodeDetectionModes.Enforce, new PolicyConfig().CodeDetection);
    }
}
