using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.LoadBalancing;
using Daalu.Router.Planning;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Daalu.Router.Tests.Planning.PlannerTestData;

namespace Daalu.Router.Tests.LoadBalancing;

public sealed class PlannerLoadTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Plan_BurstBetweenPolls_SpillsToHostedWhenEstimateReachesThreshold()
    {
        var s = Compile(Base());
        var own = new LoadTracker(new FakeTimeProvider(T0));
        for (var i = 0; i < 2; i++)
        {
            own.Enter(2000);
        }

        own.Polled(0.31, 0, 2); // 4,000 tokens = 31 %: 0.0000775 per token
        BackendView State(string n) => n == "own-a" ? new BackendView(n, CircuitState.Closed, null, 0.31, 0, own.Estimate().InFlight, true, own.Estimate()) : BackendView.Unknown(n);

        var onOwn = 0;
        for (var call = 0; call < 20; call++)
        {
            var p = Plan(s, RequestClasses.Chat, state: State);
            if (p.Candidates[0].Tier != TierNames.OwnGpu)
            {
                Assert.Equal("pool-1", p.Candidates[0].Name);
                Assert.Contains(p.Skipped, x => x is { Name: "own-a", Reason: SkipReasons.Saturated } && x.Detail!.StartsWith("kv_cache_usage ~", StringComparison.Ordinal));
                break;
            }

            onOwn++;
            own.Enter(2000);
        }

        // 0.31 + n x 0.155 >= 0.90 after n = 4 more calls; the poll still says 31 % and would have let all 20 through.
        Assert.Equal(4, onOwn);
    }

    [Fact]
    public void Plan_TtftObjectiveMissedOnEveryOwnBackend_EscalatesToHosted()
    {
        var c = Base();
        c.Policies[0].Saturation.TtftObjectives = [new TtftObjective { Tier = TierNames.OwnGpu, P95Ms = 500, MinSamples = 5 }];
        var s = Compile(c);
        var time = new FakeTimeProvider(T0);
        var own = new LoadTracker(time);
        for (var i = 0; i < 10; i++)
        {
            own.RecordTtft(1200);
        }

        own.Enter(1000); // busy: an idle backend would still be tried

        var p = Plan(s, RequestClasses.Chat, state: n => n == "own-a" ? new BackendView(n, CircuitState.Closed, null, null, null, 0, true, own.Estimate()) : BackendView.Unknown(n));
        Assert.Equal("Hosted:pool-1", Names(p)[0]);
        Assert.Contains(p.Skipped, x => x is { Name: "own-a", Reason: SkipReasons.Saturated, Detail: "OwnGpu ttft p95 1200 ms > 500 ms over 30 s" });

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("OwnGpu:own-a", Names(Plan(s, RequestClasses.Chat, state: n => n == "own-a" ? new BackendView(n, CircuitState.Closed, null, null, null, 0, true, own.Estimate()) : BackendView.Unknown(n)))[0]);
    }

    [Fact]
    public void Plan_PrefixAffinity_EveryTurnOnOneBackendAndOffSpreadsThem()
    {
        var c = Base();
        for (var i = 2; i <= 4; i++)
        {
            c.Backends.Add(new BackendConfig { Name = $"own-a{i}", Tier = TierNames.OwnGpu, Tenant = "team-a", Url = $"http://127.0.0.1:{10 + i}", Models = ["m-general"], Capability = 2 });
        }

        var on = Compile(c);
        var key = PrefixHasher.FromText("system prompt and the first question of one conversation " + new string('x', 200), 250, PrefixHasher.MaxKeyBlocks);
        var backends = new HashSet<string>();
        for (var turn = 0; turn < 20; turn++)
        {
            var p = CascadePlanner.Plan(new PlanRequest(on.Tenants["team-a"], "agent", "m-general", 2, new RequestFeatures("chat", true, false), key), on, BackendView.Unknown, new Random(turn));
            backends.Add(p.Candidates[0].Name);
        }

        Assert.Single(backends);

        c.Policies[0].PrefixAffinity = false;
        var off = Compile(c);
        backends.Clear();
        for (var turn = 0; turn < 20; turn++)
        {
            var p = CascadePlanner.Plan(new PlanRequest(off.Tenants["team-a"], "agent", "m-general", 2, new RequestFeatures("chat", true, false), key), off, BackendView.Unknown, new Random(turn));
            backends.Add(p.Candidates[0].Name);
        }

        Assert.True(backends.Count > 1);
    }

    [Fact]
    public void Plan_LaterTurnSentBeforeToABusierBackend_GoesThereWhileItsBacklogIsBelowTheMissElsewhere()
    {
        var c = Base();
        c.Backends.Add(new BackendConfig { Name = "own-a2", Tier = TierNames.OwnGpu, Tenant = "team-a", Url = "http://127.0.0.1:12", Models = ["m-general"], Capability = 2 });
        var s = Compile(c);
        var time = new FakeTimeProvider(T0);
        var trackers = new Dictionary<string, LoadTracker> { ["own-a"] = new(time), ["own-a2"] = new(time) };
        BackendView State(string n) => trackers.TryGetValue(n, out var t)
            ? new BackendView(n, CircuitState.Closed, null, null, null, t.Estimate().InFlight, true, t.Estimate())
            : BackendView.Unknown(n);

        // An agent's step of about 3,000 tokens (system prompt and task as its key) ran on whichever backend comes first.
        var task = "system: you are an agent\nuser: investigate the failing deployment " + new string('t', 400);
        var history = task + new string('h', 11_500);
        var step1 = PrefixHasher.FromText(history, task.Length, PrefixHasher.MaxKeyBlocks)!.Value;
        string PlanFor(PrefixKey key) => CascadePlanner.Plan(new PlanRequest(s.Tenants["team-a"], "agent", "m-general", 2, new RequestFeatures("chat", true, false), key), s, State, new Random(1)).Candidates[0].Name;
        var home = PlanFor(step1);
        var other = home == "own-a" ? "own-a2" : "own-a";
        var ticket = trackers[home].Enter(LoadTracker.ExpectedTokens(3000, 256), 3000, step1);
        trackers[home].RecordTtft(900, ticket);
        trackers[home].Exit(ticket);

        // The next step resends the 3,000 tokens and adds 800. The home now has a 2,000-token prompt waiting: 2,800
        // tokens before this step's first token there, 3,800 on the idle backend.
        var step2 = PrefixHasher.FromText(history + new string('r', 3200), task.Length, PrefixHasher.MaxKeyBlocks)!.Value;
        trackers[home].Enter(LoadTracker.ExpectedTokens(2000, 256), 2000, null);
        Assert.Equal(home, PlanFor(step2));

        // With 4,500 waiting there (5,300 against 3,800) the idle backend goes first.
        trackers[home].Enter(LoadTracker.ExpectedTokens(2500, 256), 2500, null);
        Assert.Equal(other, PlanFor(step2));
    }
}
