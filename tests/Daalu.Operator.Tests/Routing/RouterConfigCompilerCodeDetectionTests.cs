using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Operator.Routing;
using static Daalu.Operator.Tests.Routing.RoutingFixtures;

namespace Daalu.Operator.Tests.Routing;

// RoutingPolicy spec.codeDetection reaches the router's compiled policy unchanged; empty means the default, enforce.
public sealed class RouterConfigCompilerCodeDetectionTests
{
    [Theory]
    [InlineData(CodeDetectionModes.Enforce, CodeDetectionModes.Enforce)]
    [InlineData(CodeDetectionModes.Report, CodeDetectionModes.Report)]
    [InlineData(CodeDetectionModes.Off, CodeDetectionModes.Off)]
    [InlineData("", CodeDetectionModes.Enforce)]
    public void Compile_CodeDetection_PassedThrough(string spec, string compiled)
    {
        var result = RouterConfigCompiler.Compile(Input(policies: [Policy(configure: s => s.CodeDetection = spec)]));

        Assert.Empty(result.Errors);
        Assert.Equal(compiled, result.Configuration.Policies.Single(p => p.Name == $"{Ns}/default").CodeDetection);
    }
}
