using Daalu.Api.V1Alpha1;
using Daalu.Operator.Routing;
using static Daalu.Operator.Tests.Routing.RoutingFixtures;

namespace Daalu.Operator.Tests.Routing;

// RoutingPolicy spec.judge reaches the router's compiled policy when enabled; omitted or disabled compiles to none.
public sealed class RouterConfigCompilerJudgeTests
{
    [Fact]
    public void Compile_EnabledJudge_PassedThrough()
    {
        var judge = new JudgeSettings { Enabled = true, Model = "qwen-0.5b", ConfidenceBelowPercent = 55, TimeoutMs = 150, QualitySamplePercent = 2.5 };
        var result = RouterConfigCompiler.Compile(Input(policies: [Policy(configure: s => s.Judge = judge)]));

        Assert.Empty(result.Errors);
        var compiled = result.Configuration.Policies.Single(p => p.Name == $"{Ns}/default").Judge;
        Assert.NotNull(compiled);
        Assert.Equal(("qwen-0.5b", 55, 150, 2.5), (compiled.Model, compiled.ConfidenceBelowPercent, compiled.TimeoutMs, compiled.QualitySamplePercent));
    }

    [Fact]
    public void Compile_DisabledOrOmittedJudge_None()
    {
        var disabled = RouterConfigCompiler.Compile(Input(policies: [Policy(configure: s => s.Judge = new JudgeSettings { Model = "qwen-0.5b" })]));
        var omitted = RouterConfigCompiler.Compile(Input(policies: [Policy()]));

        Assert.Null(disabled.Configuration.Policies.Single(p => p.Name == $"{Ns}/default").Judge);
        Assert.Null(omitted.Configuration.Policies.Single(p => p.Name == $"{Ns}/default").Judge);
    }
}
