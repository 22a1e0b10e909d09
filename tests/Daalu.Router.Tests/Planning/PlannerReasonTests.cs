using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Planning;
using Xunit;
using static Daalu.Router.Tests.Planning.PlannerTestData;

namespace Daalu.Router.Tests.Planning;

/// <summary>Skip reasons say what happened (issue 17): unreachable backends, and embeddings only to embedding models.</summary>
public sealed class PlannerReasonTests
{
    private static CascadePlan PlanEndpoint(Daalu.Router.Configuration.RouterSnapshot s, string endpoint, string model, Func<string, BackendView>? state = null) =>
        CascadePlanner.Plan(new PlanRequest(s.Tenants["team-a"], RequestClasses.Chat, model, 1, new RequestFeatures(endpoint, false, false)), s, state ?? BackendView.Unknown, new Random(1));

    [Fact]
    public void Plan_BackendUnreachableAndNoModelsKnown_SkippedAsUnreachable()
    {
        var c = Base();
        c.Backends[0].Models = [];
        var s = Compile(c);
        var plan = Plan(s, RequestClasses.Chat, model: "auto", state: n => n == "own-a" ? BackendView.Unknown(n) with { Reachable = false } : BackendView.Unknown(n));
        var skip = Assert.Single(plan.Skipped, k => k.Name == "own-a");
        Assert.Equal(SkipReasons.Unreachable, skip.Reason);
    }

    [Fact]
    public void Plan_BackendNotProbedYetAndNoModelsKnown_ModelNotServedNotUnreachable()
    {
        var c = Base();
        c.Backends[0].Models = [];
        var plan = Plan(Compile(c), RequestClasses.Chat, model: "auto");
        Assert.Equal(SkipReasons.ModelNotServed, Assert.Single(plan.Skipped, k => k.Name == "own-a").Reason);
    }

    [Fact]
    public void Plan_EmbeddingsWithoutDeclaredEmbeddingModels_EveryBackendAndProviderSkipped()
    {
        var plan = PlanEndpoint(Compile(Base()), RequestFeatures.Embeddings, "m-general");
        Assert.Empty(plan.Candidates);
        Assert.All(plan.Skipped.Where(k => k.Name is "own-a" or "pool-1" or "openai"), k => Assert.Equal(SkipReasons.EmbeddingMismatch, k.Reason));
    }

    [Fact]
    public void Plan_EmbeddingsAuto_GoesOnlyToDeclaredEmbeddingModels()
    {
        var c = Base();
        c.Backends[1].Models = ["m-general", "bge-m3"];
        c.Backends[1].EmbeddingModels = ["bge-m3"];
        c.Providers[0].Models.Add(new ProviderModel { Name = "text-embedding-3-small", Embeddings = true, InputPricePerMTok = 0.02m });
        var plan = PlanEndpoint(Compile(c), RequestFeatures.Embeddings, "auto");
        Assert.Equal(["Hosted:pool-1", "External:openai"], Names(plan));
        Assert.Equal(["bge-m3", "text-embedding-3-small"], plan.Candidates.Select(x => x.UpstreamModel));
    }

    [Fact]
    public void Plan_ChatAliasOnABackendWithAnEmbeddingModel_NeverPicksTheEmbeddingModel()
    {
        var c = Base();
        c.Backends[1].Models = ["bge-m3", "m-general"];
        c.Backends[1].EmbeddingModels = ["bge-m3"];
        var s = Compile(c);
        var plan = Plan(s, RequestClasses.Chat, model: "auto");
        Assert.Equal("m-general", plan.Candidates.Single(x => x.Name == "pool-1").UpstreamModel);
        var named = Plan(s, RequestClasses.Chat, model: "bge-m3");
        Assert.Equal(SkipReasons.EmbeddingMismatch, Assert.Single(named.Skipped, k => k.Name == "pool-1").Reason);
    }
}
