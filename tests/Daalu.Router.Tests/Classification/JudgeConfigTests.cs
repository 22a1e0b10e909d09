using Daalu.Contracts.RouterConfig;
using Daalu.Contracts;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Classification;

// The router's own check of a policy's judge (a config file written by hand skips the API server's validation).
public sealed class JudgeConfigTests
{
    private static RouterConfiguration With(JudgeSettings? judge)
    {
        var c = TestConfigs.Standard("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3/v1");
        c.Policies[0].Judge = judge;
        return c;
    }

    [Fact]
    public void Validate_EnabledJudgeWithModel_Accepted() =>
        Assert.DoesNotContain(RouterConfigValidator.Validate(With(new JudgeSettings { Enabled = true, Model = "small" })), e => e.Contains("judge", StringComparison.Ordinal));

    [Fact]
    public void Validate_EnabledJudgeWithoutModel_Refused() =>
        Assert.Contains("policy 'default' judge is enabled but names no model", RouterConfigValidator.Validate(With(new JudgeSettings { Enabled = true })));

    [Theory]
    [InlineData(0, 200, 1)]
    [InlineData(60, 5, 1)]
    [InlineData(60, 200, 101)]
    [InlineData(60, 200, -1)]
    public void Validate_EnabledJudgeOutOfRange_Refused(int confidence, int timeoutMs, double percent) =>
        Assert.Contains("policy 'default' judge: confidenceBelowPercent must be 1..100, timeoutMs 10..5000 and qualitySamplePercent 0..100",
            RouterConfigValidator.Validate(With(new JudgeSettings { Enabled = true, Model = "small", ConfidenceBelowPercent = confidence, TimeoutMs = timeoutMs, QualitySamplePercent = percent })));

    [Fact]
    public void Validate_NoJudge_Accepted() =>
        Assert.DoesNotContain(RouterConfigValidator.Validate(With(null)), e => e.Contains("judge", StringComparison.Ordinal));
}
