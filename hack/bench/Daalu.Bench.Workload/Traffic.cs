using Daalu.Router.LoadBalancing;

namespace Daalu.Bench.Workload;

/// <summary>
/// Generates the calls of a workload as Poisson arrivals (thinned to follow the burst or day curve). Token ids are
/// random except the shared system prompts, so prefix-cache hits come only from real sharing. The prefix key is the
/// router's (PrefixHasher over the prompt's text at 4 characters per token, the simulator's tokenizer rate), with the
/// system prompt as its shared part, as PrefixHasher.Compute marks a chat's leading system messages (BENCH_NO_SHARED_PREFIX
/// set: no shared part, as before the eleventh session).
/// </summary>
internal static class Traffic
{
    /// <summary>Mean steps of an agent loop (4..8).</summary>
    public const double MeanAgentSteps = 6;

    private const int MaxHistory = 12_000;
    private static readonly bool SharedPrefix = Environment.GetEnvironmentVariable("BENCH_NO_SHARED_PREFIX") is null;
    private static readonly List<int> AgentSystem = Tokens(new Random(42), 1500);
    private static readonly List<int>[] ChatSystems = [Tokens(new Random(43), 300), Tokens(new Random(44), 450), Tokens(new Random(45), 200)];

    public static void Schedule(Simulation sim, Workload w, double rps, TimeSpan duration, TimeSpan measureFrom, int seed)
    {
        var rnd = new Random(seed);
        var d = duration.TotalSeconds;
        Func<double, double> shape = w switch
        {
            Workload.ChatBurst => t => t % 30 < 5 ? 3 : 0.6,
            Workload.MixedDay => t => 1 - (0.6 * Math.Cos(2 * Math.PI * t / d)),
            _ => _ => 1,
        };
        var maxShape = w switch { Workload.ChatBurst => 3.0, Workload.MixedDay => 1.6, _ => 1.0 };
        var agentShare = w switch { Workload.Agent => 1.0, Workload.MixedDay => 0.5, _ => 0.0 };
        var unitRate = (rps * agentShare / MeanAgentSteps) + (rps * (1 - agentShare)); // sessions + chats per second
        var n = 0;
        for (var t = Exp(rnd, unitRate * maxShape); t < d; t += Exp(rnd, unitRate * maxShape))
        {
            if (rnd.NextDouble() * maxShape > shape(t))
            {
                continue;
            }

            var at = TimeSpan.FromSeconds(t);
            var measured = at >= measureFrom;
            var unitSeed = seed * 1_000_003 + n++;
            var isAgent = rnd.NextDouble() < rps * agentShare / MeanAgentSteps / unitRate;
            sim.At(at, isAgent ? () => StartAgent(sim, new Random(unitSeed), measured) : () => sim.Arrive(Chat(new Random(unitSeed), measured)));
        }
    }

    private static void StartAgent(Simulation sim, Random rnd, bool measured)
    {
        var history = new List<int>(AgentSystem);
        history.AddRange(Tokens(rnd, rnd.Next(80, 201)));
        var key = Key(history, AgentSystem.Count);
        var steps = rnd.Next(4, 9);
        Step(sim, rnd, history, key, steps, measured);
    }

    private static void Step(Simulation sim, Random rnd, List<int> history, PrefixKey? key, int stepsLeft, bool measured)
    {
        var last = stepsLeft == 1;
        sim.Arrive(new Call
        {
            Prompt = [.. history],
            Output = last ? rnd.Next(200, 401) : rnd.Next(60, 251),
            Key = key is { } k ? k with { Blocks = (history.Count + 15) / 16 } : null,
            Measured = measured,
            OnFinished = c =>
            {
                history.AddRange(Tokens(rnd, c.Generated));
                history.AddRange(Tokens(rnd, rnd.Next(200, 1201))); // the tool's result
                if (stepsLeft > 1 && history.Count < MaxHistory)
                {
                    var think = TimeSpan.FromSeconds(0.5 + (2.5 * rnd.NextDouble())); // the tool runs
                    sim.At(sim.Now + think, () => Step(sim, rnd, history, key, stepsLeft - 1, measured));
                }
            },
        });
    }

    private static Call Chat(Random rnd, bool measured)
    {
        var system = ChatSystems[rnd.Next(ChatSystems.Length)];
        var prompt = new List<int>(system);
        prompt.AddRange(Tokens(rnd, rnd.Next(30, 601)));
        return new Call { Prompt = prompt, Output = rnd.Next(50, 501), Key = Key(prompt, system.Count), Measured = measured };
    }

    // The key of a prompt whose first systemTokens tokens are its system prompt.
    private static PrefixKey? Key(List<int> tokens, int systemTokens)
    {
        var text = string.Create(tokens.Count * 4, tokens, static (span, ts) =>
        {
            for (var i = 0; i < ts.Count; i++)
            {
                var v = ts[i];
                for (var j = 0; j < 4; j++)
                {
                    span[(i * 4) + j] = (char)('!' + ((v >> (j * 6)) & 63));
                }
            }
        });
        return PrefixHasher.FromText(text, text.Length, PrefixHasher.MaxKeyBlocks, SharedPrefix ? systemTokens * 4 : 0);
    }

    private static List<int> Tokens(Random rnd, int count)
    {
        var list = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(rnd.Next(1, 150_000));
        }

        return list;
    }

    private static double Exp(Random rnd, double rate) => -Math.Log(1 - rnd.NextDouble()) / rate;
}
