using System.Text;
using Daalu.Router.Api;
using Daalu.Router.Planning;
using Xunit;

namespace Daalu.Router.Tests.Planning;

/// <summary>The plan stage without a host: what it computes first, and the plan it makes from an admitted request.</summary>
public sealed class PlanStageTests
{
    private static ParsedRequest Request(string body, string endpoint = RequestFeatures.Chat)
    {
        var (req, error) = InboundStage.Read(Encoding.UTF8.GetBytes(body), InboundApi.OpenAI, endpoint, 64, TimeProvider.System);
        Assert.Null(error);
        return req!;
    }

    private const string Chat = "{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    [Fact]
    public void Plan_ChatForOwner_OwnGpuThenHostedThenExternalInPolicyOrder()
    {
        var snap = PlannerTestData.Compile(PlannerTestData.Base());

        var plan = PlanStage.Plan(snap, snap.Tenants["team-a"], Request(Chat), "chat", 2, BackendView.Unknown, new Random(1));

        Assert.Equal(["OwnGpu:own-a", "Hosted:pool-1"], PlannerTestData.Names(plan).Take(2));
        Assert.All(PlannerTestData.Names(plan).Skip(2), n => Assert.StartsWith("External:", n, StringComparison.Ordinal));
        Assert.Equal("chat", plan.RequestClass);
    }

    [Fact]
    public void Plan_CodingClass_NeverExternalWithTheSkipStated()
    {
        var snap = PlannerTestData.Compile(PlannerTestData.Base());

        var plan = PlanStage.Plan(snap, snap.Tenants["team-a"], Request(Chat), "coding", 2, BackendView.Unknown, new Random(1));

        Assert.DoesNotContain(plan.Candidates, c => c.Tier == "External");
        Assert.Contains(plan.Skipped, s => s.Reason == SkipReasons.CodingNeverExternal);
    }

    [Fact]
    public void UsesPrefixAffinity_TwoBackendsChatButNotEmbeddingsOneBackendOrPolicyOff()
    {
        // The snapshot keeps the configuration object it was compiled from: one configuration per snapshot.
        var snap = PlannerTestData.Compile(PlannerTestData.Base());
        var oneBackend = PlannerTestData.Base();
        oneBackend.Backends.RemoveAt(1);
        var single = PlannerTestData.Compile(oneBackend);
        var policyOff = PlannerTestData.Base();
        policyOff.Policies[0].PrefixAffinity = false;
        var off = PlannerTestData.Compile(policyOff);
        var tenant = snap.Tenants["team-a"];

        Assert.True(PlanStage.UsesPrefixAffinity(snap, tenant, Request(Chat)));
        Assert.False(PlanStage.UsesPrefixAffinity(snap, tenant, Request("{\"model\":\"m-general\",\"input\":\"x\"}", RequestFeatures.Embeddings)));
        Assert.False(PlanStage.UsesPrefixAffinity(single, single.Tenants["team-a"], Request(Chat)));
        Assert.False(PlanStage.UsesPrefixAffinity(off, off.Tenants["team-a"], Request(Chat)));
    }

    [Fact]
    public void RatesDifficulty_OnlyWhereTheRatingIsUsed()
    {
        var snap = PlannerTestData.Compile(PlannerTestData.Base());
        var tenant = snap.Tenants["team-a"];
        var named = Request(Chat);
        var auto = Request(Chat.Replace("m-general", "auto", StringComparison.Ordinal));
        var embeddings = Request("{\"model\":\"auto\",\"input\":\"x\"}", RequestFeatures.Embeddings);

        Assert.False(PlanStage.RatesDifficulty(tenant, named, explain: false, tracing: false));
        Assert.True(PlanStage.RatesDifficulty(tenant, named, explain: true, tracing: false));
        Assert.True(PlanStage.RatesDifficulty(tenant, named, explain: false, tracing: true));
        Assert.True(PlanStage.RatesDifficulty(tenant, auto, explain: false, tracing: false));
        Assert.False(PlanStage.RatesDifficulty(tenant, embeddings, explain: true, tracing: true));
    }
}
