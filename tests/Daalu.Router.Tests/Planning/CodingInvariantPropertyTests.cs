using CsCheck;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Planning;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Xunit;
using static Daalu.Router.Tests.Planning.PlannerTestData;

namespace Daalu.Router.Tests.Planning;

public sealed class CodingInvariantPropertyTests
{
    private static readonly string[] Tiers = [TierNames.OwnGpu, TierNames.Hosted, TierNames.External];
    private static readonly string[] Actions = [RuleActions.Allow, RuleActions.Deny, RuleActions.Pin];

    private static Gen<RoutingRule> RuleGen =>
        Gen.Select(Gen.Int[0, 2], Gen.Int[1, 7], Gen.Int[0, 15], Gen.Bool, (a, tierMask, classMask, named) => new RoutingRule
        {
            Name = named ? "r" : null,
            Action = Actions[a],
            Tiers = a == 2 ? [Tiers[tierMask % 3]] : [.. Tiers.Where((_, i) => (tierMask & (1 << i)) != 0)],
            RequestClasses = [.. RequestClasses.All.Where((_, i) => (classMask & (1 << i)) != 0)],
        });

    private static Gen<RouterConfiguration> PolicyGen =>
        Gen.Select(Gen.Int[0, 5], Gen.Int[1, 7], RuleGen.List[0, 4], Gen.Bool, Gen.Bool, (perm, mask, rules, hard, translate) =>
        {
            var c = Base();
            var order = Permutations[perm];
            c.Policies[0].Tiers = [.. order.Where(t => (mask & (1 << Array.IndexOf(Tiers, t))) != 0)];
            c.Policies[0].Rules = rules;
            c.Policies[0].SkipOwnGpuForHardPrompts = hard;
            c.Providers[1].TranslateTools = translate;
            return c;
        }).Where(c => RouterConfigValidator.Validate(c).Count == 0);

    private static readonly string[][] Permutations =
    [
        [TierNames.OwnGpu, TierNames.Hosted, TierNames.External], [TierNames.OwnGpu, TierNames.External, TierNames.Hosted],
        [TierNames.Hosted, TierNames.OwnGpu, TierNames.External], [TierNames.Hosted, TierNames.External, TierNames.OwnGpu],
        [TierNames.External, TierNames.OwnGpu, TierNames.Hosted], [TierNames.External, TierNames.Hosted, TierNames.OwnGpu],
    ];

    [Fact]
    public void Plan_AnyValidPolicyAndAnyBackendState_CodingNeverHasAnExternalCandidate()
    {
        var states = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Double[0, 1], Gen.Int[0, 20], (c1, c2, kv, w) => (c1, c2, kv, w));
        Gen.Select(PolicyGen, states, Gen.Int[1, 3], Gen.Bool, Gen.Bool, Gen.Int[0, 3]).Sample((config, st, complexity, tools, images, m) =>
        {
            var snap = Compile(config);
            var model = new[] { "m-general", "auto", "general", "gpt-ext" }[m];
            BackendView State(string n) => new(n, (CircuitState)(n == "own-a" ? st.c1 : st.c2), null, st.kv, st.w, 0);
            var viaHeader = Plan(snap, RequestClasses.Coding, model, complexity, tools, images, State);
            var viaAlias = Plan(snap, RequestClassResolver.Resolve("chat", snap.Tenants["team-a"], "coding")!, "coding", complexity, tools, images, State);
            return viaHeader.Candidates.All(c => c.Tier != TierNames.External) && viaAlias.Candidates.All(c => c.Tier != TierNames.External);
        }, iter: 3000);
    }

    [Fact]
    public async Task Chat_CodingUnderRandomFailuresOverHttp_ExternalDoubleNeverSeesIt()
    {
        // The most tempting policy: External first and allowed for every class. The invariant must still hold.
        await using var f = await CascadeFixture.StartAsync(c =>
        {
            c.Policies[0].Tiers = [TierNames.External, TierNames.OwnGpu, TierNames.Hosted];
            c.Policies[0].Rules = [new RoutingRule { Action = RuleActions.Allow, Tiers = [TierNames.External, TierNames.OwnGpu, TierNames.Hosted] }];
            c.Policies[0].Timeouts.FirstByteMs = 300;
        });
        var faults = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 4], Gen.Bool);
        var sent = 0;
        await faults.SampleAsync(async (own, hosted, stream) =>
        {
            Inject(f.Own, own);
            Inject(f.Hosted, hosted);
            var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: stream, requestClass: "coding"));
            Interlocked.Increment(ref sent);
            Assert.True(resp.StatusCode is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.ServiceUnavailable, $"status {resp.StatusCode}");
            Assert.NotEqual(TierNames.External, Header.Get(resp, "X-Daalu-Tier"));
        }, iter: 25, threads: 1);

        Assert.Equal(25, sent);
        Assert.Empty(f.OpenAI.Calls);
    }

    private static void Inject(Daalu.TestDoubles.OpenAICompatible.VllmDouble d, int kind)
    {
        d.Faults.Clear();
        switch (kind)
        {
            case 1: d.Faults.Status = 500; d.Faults.StatusCount = -1; break;
            case 2: d.Faults.Status = 429; d.Faults.StatusCount = -1; break;
            case 3: d.Faults.DelayBeforeFirstByte = TimeSpan.FromSeconds(1); break;
            case 4: d.Faults.Status = 404; d.Faults.StatusCount = -1; d.Faults.StatusMessage = "The model `m-general` does not exist."; break;
        }
    }
}
