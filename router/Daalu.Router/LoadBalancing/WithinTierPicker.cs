namespace Daalu.Router.LoadBalancing;

/// <summary>
/// Orders equally suitable backends of one tier (pure; randomness only through the given source).
///
/// Without a prefix key: power of two choices over load (two at random, the less loaded first; YARP's
/// PowerOfTwoChoices policy), the rest by load. With one: rendezvous (highest-random-weight) hashing of the
/// conversation key over the backend names ranks the backends the same way on every router replica, with no shared
/// state, and a backend keeps its conversations when others are added or removed. The first backend in that ranking
/// whose load is within <see cref="AffinitySlack"/> of the least loaded goes first (for a first turn, only a home
/// among the least loaded): a cache hit saves the whole prefill of the history, which is worth a few more calls in the
/// batch, but not a queue (the trade llm-d's scheduler makes by
/// weighting its prefix-cache scorer against its queue and KV-use scorers). The others follow in ranking order, so a
/// fall-through lands on the conversation's second home. With the load view's prefill backlog and prefix index
/// (<see cref="Order(IReadOnlyList{string}, IReadOnlyList{PickInput}, PrefixKey?, Random)"/>) the loads are
/// <see cref="Cost"/>s, and where the index knows which backend holds a later turn the cost alone decides.
/// </summary>
public static class WithinTierPicker
{
    /// <summary>
    /// How much busier than the least loaded (in requests) the likely holder of the prefix may be and still go first.
    ///
    /// For a later turn (the prompt runs past its key: the history of earlier turns, which the home holds if they ran
    /// there): two, plus one per 32 blocks (512 tokens) of prompt, since a miss elsewhere prefills the whole history
    /// (on an RTX 2000 Ada, ~1,400 prompt tokens/s for a 7B model, 512 tokens cost ~0.36 s, about what one more
    /// sequence in the batch costs the others over a reply). An absolute number of calls, not a share of the least
    /// load: a share let a conversation's home run 15 calls deeper than the others in a burst (30 calls a card).
    ///
    /// For a first turn (the key covers the whole prompt): none. Nothing of this conversation has run anywhere yet, so
    /// its home holds at most what every card holds (a shared system prompt), and the ranking only breaks ties among
    /// the least loaded. With the later-turn slack, a single-turn chat waited behind up to three prefills at its hash
    /// home while other cards were idle (workload benchmark, chat bursts at 20 % load: p99 894 ms against
    /// round-robin's 481; docs/benchmarks.md, "Chat bursts at low load"). An agent's first step still lands at its
    /// home whenever the home is among the least loaded, which at low load is most of the time.
    /// </summary>
    public static double AffinitySlack(PrefixKey key) => IsFirstTurn(key) ? 0 : 2 + (key.Blocks / 32.0);

    /// <summary>
    /// Whether the prompt ends within a block of where its key ends: the key runs through the first non-system message
    /// (at most <see cref="PrefixHasher.MaxKeyBlocks"/> blocks), so a prompt with earlier turns after it is longer. A
    /// first message longer than the key's cap counts as a later turn (its head may well be a document sent before).
    /// </summary>
    public static bool IsFirstTurn(PrefixKey key) => key.Blocks <= key.KeyBlocks + 1;

    /// <summary>Prompt tokens awaiting prefill that weigh as much as one call in the pick load.</summary>
    public const double TokensPerRequest = 512;

    /// <summary>
    /// The cost of sending a call of <paramref name="promptTokens"/> to a backend, in calls: its pick load, plus the
    /// prefill its first token waits for (the backlog ahead of it and its own prompt less what the backend likely holds
    /// of it) at <see cref="TokensPerRequest"/> tokens a call. llm-d's scheduler weighs the same three things with its
    /// queue, KV-use and approximate prefix-cache scorers (https://llm-d.ai/docs/architecture/advanced/kv-management/prefix-cache-aware-routing).
    /// </summary>
    public static double Cost(PickInput backend, long promptTokens) =>
        backend.PickLoad + ((backend.PrefillBacklogTokens + Math.Max(0, promptTokens - backend.CachedPromptTokens)) / TokensPerRequest);

    /// <summary>
    /// Indexes of <paramref name="inputs"/> in the order to try them, by <see cref="Cost"/>. When a backend's index
    /// says it holds part of a later turn's prompt, the cost already prices the prefix, and the rendezvous ranking only
    /// breaks ties among the cheapest. Otherwise (a first turn, no prefix affinity, or a later turn this router did not
    /// send before: another replica's conversation, or one forgotten) the costs are ordered as loads by
    /// <see cref="Order(IReadOnlyList{string}, IReadOnlyList{double}, PrefixKey?, Random)"/>: the ranking is then the prediction.
    /// </summary>
    public static int[] Order(IReadOnlyList<string> names, IReadOnlyList<PickInput> inputs, PrefixKey? key, Random random)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(inputs);
        var promptTokens = key is { } pk ? (long)pk.Blocks * PrefixIndex.BlockTokens : 0;
        var costs = new double[inputs.Count];
        var known = false;
        for (var b = 0; b < costs.Length; b++)
        {
            costs[b] = Cost(inputs[b], promptTokens);
            known |= inputs[b].CachedPromptTokens > 0;
        }

        if (key is not { } k || !known || IsFirstTurn(k) || names.Count < 2)
        {
            return Order(names, costs, key, random);
        }

        var order = Ranking(names, k);
        var limit = costs.Min();
        var home = order.First(o => costs[o] <= limit);
        return [home, .. order.Where(o => o != home)];
    }

    /// <summary>Indexes of <paramref name="loads"/> (each backend's LoadEstimate.PickLoad, or its requests) in the order to try them.</summary>
    public static int[] Order(IReadOnlyList<string> names, IReadOnlyList<double> loads, PrefixKey? key, Random random)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(random);
        var n = names.Count;
        var order = Enumerable.Range(0, n).ToArray();
        if (n < 2)
        {
            return order;
        }

        if (key is not { } k)
        {
            Array.Sort(order, (x, y) => loads[x].CompareTo(loads[y]));
            var i = random.Next(n);
            var j = random.Next(n - 1);
            if (j >= i)
            {
                j++;
            }

            var first = loads[i] <= loads[j] ? i : j;
            return [first, .. order.Where(o => o != first)];
        }

        order = Ranking(names, k);
        var min = loads.Min();
        var limit = min + AffinitySlack(k);
        var home = order.First(o => loads[o] <= limit);
        return [home, .. order.Where(o => o != home)];
    }

    // Backend indexes by rendezvous weight for the key, highest first.
    private static int[] Ranking(IReadOnlyList<string> names, PrefixKey key)
    {
        var weights = new ulong[names.Count];
        for (var b = 0; b < weights.Length; b++)
        {
            weights[b] = Weight(key.ConversationKey, names[b]);
        }

        var order = Enumerable.Range(0, weights.Length).ToArray();
        Array.Sort(order, (x, y) => weights[y].CompareTo(weights[x]));
        return order;
    }

    /// <summary>The rendezvous weight of <paramref name="backend"/> for <paramref name="key"/>: a mix of both hashes.</summary>
    public static ulong Weight(ulong key, string backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var h = PrefixHasher.ChainHash(key, backend);
        // SplitMix64's finaliser, so weights of nearby keys are independent.
        h ^= h >> 30;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27;
        h *= 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }
}
