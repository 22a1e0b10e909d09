using Daalu.Contracts.RouterConfig;
using Daalu.Contracts;
using Daalu.Router.Classification;
using Daalu.Router.Classification.Difficulty;
using Daalu.Router.Classification.Judging;
using Daalu.Router.Planning;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Daalu.Router.Tests.Classification;

// The pure parts of the judge stage: when it is asked, where, and what it remembers.
public class JudgeDecisionTests
{
    private static readonly JudgeSettings Enabled = new() { Enabled = true, Model = "small", ConfidenceBelowPercent = 60 };

    private static DifficultyDecision Learned(double confidence) =>
        new(2, DifficultyStages.Learned, [new StageRating(DifficultyStages.Heuristic, 1, 0.5, TimeSpan.Zero), new StageRating(DifficultyStages.Learned, 2, confidence, TimeSpan.Zero)]);

    [Fact]
    public void ShouldAsk_LearnedBelowThreshold_True() => Assert.True(DifficultyJudge.ShouldAsk(Enabled, Learned(0.59)));

    [Fact]
    public void ShouldAsk_LearnedAtThreshold_False() => Assert.False(DifficultyJudge.ShouldAsk(Enabled, Learned(0.60)));

    [Fact]
    public void ShouldAsk_JudgeAbsentOrDisabled_False()
    {
        Assert.False(DifficultyJudge.ShouldAsk(null, Learned(0.3)));
        Assert.False(DifficultyJudge.ShouldAsk(new JudgeSettings { Enabled = false, Model = "small" }, Learned(0.3)));
    }

    [Fact]
    public void ShouldAsk_HeuristicOrConversationDecided_False()
    {
        Assert.False(DifficultyJudge.ShouldAsk(Enabled, new DifficultyDecision(1, DifficultyStages.Heuristic, [new StageRating(DifficultyStages.Heuristic, 1, 0.85, TimeSpan.Zero)])));
        Assert.False(DifficultyJudge.ShouldAsk(Enabled, new DifficultyDecision(3, DifficultyStages.Conversation, [new StageRating(DifficultyStages.Learned, 1, 0.3, TimeSpan.Zero)])));
        Assert.False(DifficultyJudge.ShouldAsk(Enabled, null));
    }

    [Fact]
    public void JudgeSettings_Defaults_OffWith200MsAndOnePercent()
    {
        var s = new JudgeSettings();

        Assert.False(s.Enabled);
        Assert.Equal(200, s.TimeoutMs);
        Assert.Equal(1, s.QualitySamplePercent);
    }

    private static RequestText Conversation(params (string Role, string Text)[] turns) =>
        new([.. turns.Select((t, i) => new TextSegment(t.Role, i, t.Text))], HasTools: false, HasImages: false);

    [Fact]
    public void ConversationKey_LaterTurnsAppended_SameKey()
    {
        var first = Conversation(("system", "You are an agent."), ("user", "Plan my trip to Lisbon."));
        var later = Conversation(("system", "You are an agent."), ("user", "Plan my trip to Lisbon."), ("assistant", "Sure."), ("tool", "weather: sun"), ("user", "And the hotels?"));

        Assert.Equal(ConversationKey.Compute("team-a", first), ConversationKey.Compute("team-a", later));
    }

    [Fact]
    public void ConversationKey_OtherTenantOrOtherFirstMessage_OtherKey()
    {
        var a = Conversation(("user", "Plan my trip to Lisbon."));
        var b = Conversation(("user", "Plan my trip to Porto."));

        Assert.NotEqual(ConversationKey.Compute("team-a", a), ConversationKey.Compute("team-b", a));
        Assert.NotEqual(ConversationKey.Compute("team-a", a), ConversationKey.Compute("team-a", b));
        Assert.DoesNotContain("Lisbon", ConversationKey.Compute("team-a", a), StringComparison.Ordinal);
    }

    [Fact]
    public void JudgeCache_RatingKept30MinutesFailureOneMinute()
    {
        var time = new FakeTimeProvider();
        var cache = new JudgeCache(time);
        cache.Set("rated", 3);
        cache.Set("failed", null);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(cache.TryGet("failed", out var failed));
        Assert.Null(failed);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet("failed", out _));
        Assert.True(cache.TryGet("rated", out var rated));
        Assert.Equal(3, rated);
        time.Advance(TimeSpan.FromMinutes(29));
        Assert.False(cache.TryGet("rated", out _));
    }

    [Fact]
    public void JudgeCache_Full_StaysBounded()
    {
        var cache = new JudgeCache(new FakeTimeProvider());
        for (var i = 0; i <= JudgeCache.Capacity; i++)
        {
            cache.Set(i.ToString(System.Globalization.CultureInfo.InvariantCulture), 1);
        }

        Assert.True(cache.Count <= JudgeCache.Capacity);
        Assert.True(cache.TryGet(JudgeCache.Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture), out _));
    }

    private static readonly BackendConfig[] Backends =
    [
        new() { Name = "other-tenant", Tier = TierNames.OwnGpu, Tenant = "team-b", Url = "http://b", Models = ["small"] },
        new() { Name = "pool", Tier = TierNames.Hosted, Url = "http://pool", Models = ["small"] },
        new() { Name = "own-big", Tier = TierNames.OwnGpu, Tenant = "team-a", Url = "http://big", Models = ["big"] },
        new() { Name = "own-small-1", Tier = TierNames.OwnGpu, Tenant = "team-a", Url = "http://s1", Models = ["small"] },
        new() { Name = "own-small-2", Tier = TierNames.OwnGpu, Tenant = "team-a", Url = "http://s2", Models = ["small"] },
    ];

    [Fact]
    public void Pick_TenantsOwnBackendServingTheModel_LeastBusy()
    {
        BackendView View(string name) => new(name, CircuitState.Closed, null, null, null, name == "own-small-1" ? 4 : 1);

        Assert.Equal("own-small-2", JudgeBackends.Pick(Backends, View, "team-a", "small")!.Name);
    }

    [Fact]
    public void Pick_NeverAnotherTenantsCardNorTheHostedPool()
    {
        static BackendView View(string name) => BackendView.Unknown(name);

        Assert.Null(JudgeBackends.Pick(Backends, View, "team-c", "small"));
        Assert.Equal("other-tenant", JudgeBackends.Pick(Backends, View, "team-b", "small")!.Name);
    }

    [Fact]
    public void Pick_OpenCircuitOrModelNoLongerServed_Skipped()
    {
        BackendView View(string name) => name switch
        {
            "own-small-1" => new(name, CircuitState.Open, null, null, null, 0),
            "own-small-2" => new(name, CircuitState.Closed, ["other"], null, null, 0),
            _ => BackendView.Unknown(name),
        };

        Assert.Null(JudgeBackends.Pick(Backends, View, "team-a", "small"));
    }
}
