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
/// fall-through lands on the conversation's second home.
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

        var weights = new ulong[n];
        for (var b = 0; b < n; b++)
        {
            weights[b] = Weight(k.ConversationKey, names[b]);
        }

        Array.Sort(order, (x, y) => weights[y].CompareTo(weights[x]));
        var min = loads.Min();
        var limit = min + AffinitySlack(k);
        var home = order.First(o => loads[o] <= limit);
        return [home, .. order.Where(o => o != home)];
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
