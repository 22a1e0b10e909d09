using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Planning;
using Xunit;
using static Daalu.Router.Tests.Planning.PlannerTestData;

namespace Daalu.Router.Tests.Planning;

public sealed class CascadePlannerTests
{
    [Fact]
    public void Plan_Chat_AllTiersInPolicyOrder()
    {
        var p = Plan(Compile(Base()), RequestClasses.Chat);
        Assert.Equal(["OwnGpu:own-a", "Hosted:pool-1", "External:openai", "External:claude"], Names(p));
    }

    [Fact]
    public void Plan_Coding_NeverExternal()
    {
        var p = Plan(Compile(Base()), RequestClasses.Coding);
        Assert.Equal(["OwnGpu:own-a", "Hosted:pool-1"], Names(p));
        Assert.Contains(p.Skipped, s => s.Reason == SkipReasons.CodingNeverExternal);
    }

    [Fact]
    public void Plan_ToolsAndAnthropicWithoutTranslation_AnthropicSkipped()
    {
        var p = Plan(Compile(Base()), RequestClasses.Agent, tools: true);
        Assert.DoesNotContain("External:claude", Names(p));
        Assert.Contains(p.Skipped, s => s is { Name: "claude", Reason: SkipReasons.ToolsNotTranslated });

        var c = Base();
        c.Providers[1].TranslateTools = true;
        Assert.Contains("External:claude", Names(Plan(Compile(c), RequestClasses.Agent, tools: true)));
    }

    [Fact]
    public void Plan_Images_SkipsBackendsWithoutImageSupport()
    {
        var c = Base();
        c.Backends[1].SupportsImages = true;
        var p = Plan(Compile(c), RequestClasses.Chat, images: true);
        Assert.Equal(["Hosted:pool-1", "External:openai"], Names(p));
        Assert.Contains(p.Skipped, s => s is { Name: "own-a", Reason: SkipReasons.NoImageSupport });
        Assert.Contains(p.Skipped, s => s is { Name: "claude", Reason: SkipReasons.NoImageSupport });
    }

    [Fact]
    public void Plan_DenyAndPinRules_ApplyFirstMatch()
    {
        var c = Base();
        c.Policies[0].Rules.Add(new RoutingRule { Name = "classifier-home", Action = RuleActions.Pin, RequestClasses = [RequestClasses.Classifier], Tiers = [TierNames.OwnGpu] });
        c.Policies[0].Rules.Add(new RoutingRule { Name = "no-hosted", Action = RuleActions.Deny, Tiers = [TierNames.Hosted] });
        var s = Compile(c);

        Assert.Equal(["OwnGpu:own-a"], Names(Plan(s, RequestClasses.Classifier)));
        var chat = Plan(s, RequestClasses.Chat);
        Assert.Equal(["OwnGpu:own-a", "External:openai", "External:claude"], Names(chat));
        Assert.Equal("no-hosted", chat.MatchedRule);
    }

    [Fact]
    public void Plan_CircuitOpenAndSaturated_Skipped()
    {
        var s = Compile(Base());
        var p = Plan(s, RequestClasses.Chat, state: n => n switch
        {
            "own-a" => new BackendView(n, CircuitState.Open, null, null, null, 0),
            "pool-1" => new BackendView(n, CircuitState.Closed, null, 0.91, 0, 0),
            _ => BackendView.Unknown(n),
        });
        Assert.Equal(["External:openai", "External:claude"], Names(p));
        Assert.Contains(p.Skipped, x => x is { Name: "own-a", Reason: SkipReasons.CircuitOpen });
        Assert.Contains(p.Skipped, x => x is { Name: "pool-1", Reason: SkipReasons.Saturated });
    }

    [Fact]
    public void Plan_HardPromptPolicy_SkipsOwnGpuExceptForCoding()
    {
        var c = Base();
        c.Policies[0].SkipOwnGpuForHardPrompts = true;
        var s = Compile(c);
        Assert.Equal("Hosted:pool-1", Names(Plan(s, RequestClasses.Chat, complexity: 3))[0]);
        Assert.Equal("OwnGpu:own-a", Names(Plan(s, RequestClasses.Chat, complexity: 2))[0]);
        Assert.Equal("OwnGpu:own-a", Names(Plan(s, RequestClasses.Coding, complexity: 3))[0]);
    }

    [Fact]
    public void UsesComplexity_NamedModelWithoutHardPromptRule_FalseAndPlanSameForEveryComplexity()
    {
        var c = Base();
        c.Backends.Add(new BackendConfig { Name = "own-small", Tier = TierNames.OwnGpu, Tenant = "team-a", Url = "http://127.0.0.1:5", Models = ["m-general"], Capability = 1 });
        var s = Compile(c);

        Assert.False(CascadePlanner.UsesComplexity(c.Policies[0], "m-general"));
        var names = Names(Plan(s, RequestClasses.Chat, model: "m-general", complexity: 1));
        for (var complexity = 2; complexity <= 3; complexity++)
        {
            var other = Names(Plan(s, RequestClasses.Chat, model: "m-general", complexity: complexity));
            Assert.Equal(names, other);
        }
    }

    [Fact]
    public void UsesComplexity_AutoAliasOrHardPromptRule_True()
    {
        var c = Base();
        Assert.True(CascadePlanner.UsesComplexity(c.Policies[0], ModelAliases.Auto));
        c.Policies[0].SkipOwnGpuForHardPrompts = true;
        Assert.True(CascadePlanner.UsesComplexity(c.Policies[0], "m-general"));
    }

    [Fact]
    public void Plan_AutoAlias_PicksPurposeAndSizeByComplexity()
    {
        var c = Base();
        c.Backends.Add(new BackendConfig { Name = "own-small", Tier = TierNames.OwnGpu, Tenant = "team-a", Url = "http://127.0.0.1:5", Models = ["small"], Capability = 1 });
        c.Backends.Add(new BackendConfig { Name = "own-coder", Tier = TierNames.OwnGpu, Tenant = "team-a", Url = "http://127.0.0.1:6", Models = ["coder"], Purpose = ModelPurposes.Coding });
        var s = Compile(c);

        var easy = Plan(s, RequestClasses.Chat, model: "auto", complexity: 1);
        Assert.Equal("OwnGpu:own-small", Names(easy)[0]);
        Assert.Equal("small", easy.Candidates[0].UpstreamModel);
        Assert.Equal("OwnGpu:own-a", Names(Plan(s, RequestClasses.Chat, model: "auto", complexity: 2))[0]);
        var code = Plan(s, RequestClasses.Coding, model: "coding");
        Assert.Equal(["OwnGpu:own-coder"], Names(code));
        Assert.Equal("coder", code.Candidates[0].UpstreamModel);
    }

    [Fact]
    public void Plan_TwoEqualBackends_PowerOfTwoChoicesPrefersLessLoaded()
    {
        var c = Base();
        c.Backends.Add(new BackendConfig { Name = "own-a2", Tier = TierNames.OwnGpu, Tenant = "team-a", Url = "http://127.0.0.1:7", Models = ["m-general"] });
        var s = Compile(c);
        for (var seed = 0; seed < 20; seed++)
        {
            var p = CascadePlanner.Plan(new PlanRequest(s.Tenants["team-a"], "chat", "m-general", 2, new RequestFeatures("chat", false, false)), s,
                n => new BackendView(n, CircuitState.Closed, null, null, null, n == "own-a" ? 7 : 1), new Random(seed));
            Assert.Equal("own-a2", p.Candidates[0].Name);
        }
    }

    [Fact]
    public void Plan_TenantNotEnrolled_HostedSkipped()
    {
        var p = Plan(Compile(Base()), RequestClasses.Chat, tenant: "team-b");
        Assert.Contains(p.Skipped, s => s is { Tier: TierNames.Hosted, Reason: SkipReasons.NotEnrolled });
        Assert.DoesNotContain(p.Candidates, x => x.Tier == TierNames.Hosted);
    }

    [Fact]
    public void Resolve_HeaderRulesAndCodingAlias()
    {
        var c = Base();
        c.Policies[0].Classification.Add(new ClassificationRule { Model = "m-*", RequestClass = RequestClasses.Classifier });
        var t = Compile(c).Tenants["team-a"];
        Assert.Equal("agent", RequestClassResolver.Resolve("agent", t, "m-general"));
        Assert.Equal("classifier", RequestClassResolver.Resolve(null, t, "m-general"));
        Assert.Equal("chat", RequestClassResolver.Resolve(null, t, "other"));
        Assert.Equal("coding", RequestClassResolver.Resolve("chat", t, "coding"));
        Assert.Null(RequestClassResolver.Resolve("poetry", t, "m-general"));
    }
}
