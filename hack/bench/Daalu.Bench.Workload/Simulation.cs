using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Engine.Simulator.Engine;
using Daalu.Engine.Simulator.Timing;
using Daalu.Router.LoadBalancing;
using Daalu.Router.Planning;

namespace Daalu.Bench.Workload;

/// <summary>
/// One run: calls arrive at the router, a policy picks a replica, simulated vLLM engines (Daalu.Engine.Simulator's
/// EngineCore: continuous batching, chunked prefill, paged KV with prefix caching) serve them, all in virtual time.
/// The router side uses the router's own code: LoadTracker, SaturationJudge, WithinTierPicker, PrefixHasher.
/// Own GPU: 4 x RTX 2000 Ada 16 GB with Qwen2.5-7B-Instruct-AWQ; hosted pool: 2 x RTX 6000 Ada 48 GB with
/// Qwen2.5-7B-Instruct (BF16). /metrics are polled every 5 s (probeIntervalMs' default).
/// </summary>
internal sealed class Simulation
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    // The hosted pool's metered price, the demo's (router/Daalu.Router/Hosting/Demo/DemoSetup.cs): $0.10 / $0.30 per M tokens.
    public const double HostedInputPerMTok = 0.10;
    public const double HostedOutputPerMTok = 0.30;

    private static readonly System.Buffers.SearchValues<char> ReasonEnd = System.Buffers.SearchValues.Create("~0123456789");
    private readonly Policy _policy;
    private readonly VirtualClock _clock = new();
    private readonly List<Replica> _own = [];
    private readonly List<Replica> _hosted = [];
    private readonly PriorityQueue<Action, (TimeSpan, long)> _events = new();
    private readonly Dictionary<SimSequence, Call> _calls = [];
    private readonly Random _pickRandom = new(7);
    private readonly SaturationThresholds _thresholds;
    private long _eventNo;
    private int _rr;

    public Simulation(Policy policy, SaturationThresholds thresholds)
    {
        _policy = policy;
        _thresholds = thresholds;
        var own = EngineProfiles.Create(GpuClass.Rtx2000Ada, ModelSpec.Qwen7BAwq);
        var hosted = EngineProfiles.Create(GpuClass.Rtx6000Ada, ModelSpec.Qwen7B);
        for (var i = 1; i <= 4; i++)
        {
            _own.Add(new Replica($"own-{i}", TierNames.OwnGpu, new EngineCore(own), new LoadTracker(_clock) { Rule = RateRule }));
        }

        for (var i = 1; i <= 2; i++)
        {
            _hosted.Add(new Replica($"pool-{i}", TierNames.Hosted, new EngineCore(hosted), new LoadTracker(_clock) { Rule = RateRule }));
        }
    }

    /// <summary>
    /// Whether LoadAndPrefix weighs the prefill backlog and the prefix index (the tenth session's view); off
    /// (BENCH_NO_PREFILL_VIEW set) it orders by pick load and affinity slack alone, as before, for side-by-side runs.
    /// </summary>
    public static bool PrefillView { get; set; } = Environment.GetEnvironmentVariable("BENCH_NO_PREFILL_VIEW") is null;

    /// <summary>
    /// How the trackers learn each card's prefill rate: the router's default, or (BENCH_OLD_PREFILL_RATE set) the tenth
    /// session's per-call rule, which also counts only a conversation's own prefix as cached, for side-by-side runs.
    /// </summary>
    public static PrefillRateRule RateRule { get; set; } = Environment.GetEnvironmentVariable("BENCH_OLD_PREFILL_RATE") is null
        ? PrefillRateRule.ServedOverBusyTime
        : PrefillRateRule.WaitedPerCall;

    public List<Call> Done { get; } = [];

    /// <summary>Trace: for each own replica skipped as saturated, the reason's kind (before the first digit) and how often.</summary>
    public Dictionary<string, int> SkipReasons { get; } = [];

    /// <summary>Trace: each own replica's learned prefill rate (tokens/ms) at every poll once learned.</summary>
    public List<double> LearnedRates { get; } = [];

    /// <summary>Calls that arrived and have not finished.</summary>
    public IEnumerable<Call> Pending => _calls.Values;

    public IEnumerable<Replica> Replicas => _own.Concat(_hosted);

    public void At(TimeSpan t, Action a) => _events.Enqueue(a, (t, _eventNo++));

    public TimeSpan Now => _clock.Now;

    /// <summary>Runs until no event is left or <paramref name="until"/>.</summary>
    public void Run(TimeSpan until)
    {
        for (var t = TimeSpan.Zero; t < until; t += PollInterval)
        {
            At(t, Poll);
        }

        while (_events.TryDequeue(out var action, out var key))
        {
            if (key.Item1 > until)
            {
                break;
            }

            _clock.Now = key.Item1;
            action();
        }
    }

    /// <summary>A call arrives at the router now.</summary>
    public void Arrive(Call call)
    {
        call.Arrival = Now;
        var r = Pick(call);
        call.Replica = r;
        call.PrefillsAhead = PrefillsAhead(r);
        call.FewestPrefillsAhead = (r.Tier == TierNames.OwnGpu ? _own : _hosted).Min(PrefillsAhead);
        call.Tokens = LoadTracker.ExpectedTokens(call.Prompt.Count, call.MaxTokens);
        call.Ticket = r.Tracker.Enter(call.Tokens, call.Prompt.Count, call.Key);
        r.InFlight++;
        var seq = r.Core.Submit(call.Prompt, call.MaxTokens, call.Output, Now);
        _calls[seq] = call;
        StartStep(r);
    }

    private Replica Pick(Call call)
    {
        if (_policy == Policy.RoundRobin)
        {
            return _own[_rr++ % _own.Count];
        }

        foreach (var tier in new[] { _own, _hosted })
        {
            var ok = new List<Replica>();
            var views = tier.ConvertAll(View);
            var tierTtft = SaturationJudge.TierTtftP95(views.Select(v => v.Load), _thresholds, tier[0].Tier);
            foreach (var r in tier)
            {
                if (SaturationJudge.Judge(views[tier.IndexOf(r)], _thresholds, r.Tier, tierTtft) is not { } why)
                {
                    ok.Add(r);
                }
                else if (tier == _own)
                {
                    var kind = why[..why.AsSpan().IndexOfAny(ReasonEnd)].Trim();
                    SkipReasons[kind] = SkipReasons.GetValueOrDefault(kind) + 1;
                }
            }

            if (ok.Count == 0)
            {
                continue;
            }

            var loads = ok.ConvertAll(r => _policy == Policy.LoadAndPrefix ? r.Tracker.Estimate().PickLoad : r.InFlight);
            int[] order;
            if (_policy == Policy.LoadAndPrefix && PrefillView)
            {
                var inputs = ok.ConvertAll(r => PickInput.From(r.Tracker.Estimate(), r.InFlight, call.Key));
                order = WithinTierPicker.Order(ok.ConvertAll(r => r.Name), inputs, call.Key, _pickRandom);
                var prompt = call.Prompt.Count;
                call.PickTrace = string.Join(" ", ok.Select((r, i) => FormattableString.Invariant(
                    $"{r.Name}{(i == order[0] ? "*" : "")}[load {inputs[i].PickLoad:0.#} backlog {inputs[i].PrefillBacklogTokens} cached {inputs[i].CachedPromptTokens} cost {WithinTierPicker.Cost(inputs[i], prompt):0.0}]")));
            }
            else
            {
                order = WithinTierPicker.Order(ok.ConvertAll(r => r.Name), loads, _policy == Policy.LoadAndPrefix ? call.Key : null, _pickRandom);
            }

            call.PickExcess = loads[order[0]] - loads.Min();
            return ok[order[0]];
        }

        // Everything saturated: the real router would answer 503 or go External; here the pool's least loaded takes it.
        call.Overflow = true;
        return _hosted.MinBy(r => r.InFlight)!;
    }

    private int PrefillsAhead(Replica r) => _calls.Values.Count(c => c.Replica == r && c.FirstToken is null);

    private BackendView View(Replica r) => _policy == Policy.LoadAndPrefix
        ? new BackendView(r.Name, CircuitState.Closed, null, r.PolledKv, r.PolledWaiting, r.InFlight, true, r.Tracker.Estimate())
        : new BackendView(r.Name, CircuitState.Closed, null, r.PolledKv, r.PolledWaiting, r.InFlight, true);

    private void Poll()
    {
        foreach (var r in Replicas)
        {
            r.PolledKv = r.Core.KvCacheUsage;
            r.PolledWaiting = r.Core.Waiting;
            r.Tracker.Polled(r.Core.KvCacheUsage, r.Core.Waiting, r.Core.Running);
            if (r.Tier == TierNames.OwnGpu && r.Tracker.Estimate().PrefillTokensPerMs is { } rate)
            {
                LearnedRates.Add(rate);
            }
        }
    }

    private void StartStep(Replica r)
    {
        if (r.Stepping || !r.Core.HasWork)
        {
            return;
        }

        r.Stepping = true;
        var res = r.Core.Step(Now);
        At(Now + res.Duration, () => EndStep(r, res));
    }

    private void EndStep(Replica r, StepResult res)
    {
        r.Stepping = false;
        foreach (var seq in res.Emitted)
        {
            var call = _calls[seq];
            if (call.FirstToken is null)
            {
                call.FirstToken = Now;
                call.CachedTokens = seq.CachedPromptTokens;
                r.Tracker.RecordTtft((Now - call.Arrival).TotalMilliseconds, call.Ticket);
            }
        }

        foreach (var seq in res.Finished)
        {
            var call = _calls[seq];
            _calls.Remove(seq);
            call.Finished = Now;
            call.Generated = seq.Generated;
            r.Tracker.Exit(call.Ticket!);
            r.InFlight--;
            Done.Add(call);
            call.OnFinished?.Invoke(call);
        }

        StartStep(r);
    }
}
