namespace Daalu.Router.LoadBalancing;

/// <summary>
/// What this router has sent to one backend, per conversation: the prompt length (in 16-token blocks) of the latest
/// call of each conversation key, least recently sent forgotten first once the blocks held pass a capacity. It
/// predicts how much of a later turn's prompt the backend's prefix cache still holds (vLLM's automatic prefix caching
/// keeps a finished call's blocks until it needs them, evicting the least recently used first: vLLM docs, "Automatic
/// Prefix Caching", design/prefix_caching).
///
/// The same idea as llm-d's approximate prefix-cache scorer (gateway-api-inference-extension's prefix-cache-scorer, an
/// LRU index per server of the block hashes recently routed there, 31,250 blocks per server by default, matched against
/// a new request's blocks: https://llm-d.ai/docs/architecture/advanced/kv-management/prefix-cache-aware-routing), kept
/// per conversation instead of per block: a later turn extends its conversation's earlier prompt, so the longest match
/// is the shorter of the two. Each router replica keeps its own; the rendezvous ranking (<see cref="WithinTierPicker"/>)
/// is what agrees across replicas.
///
/// It also keeps, in the same LRU, the shared prefixes sent there (<see cref="PrefixKey.SharedKey"/>: the leading system
/// texts, which many conversations repeat): vLLM's cache matches blocks by their chained hash whatever request brought
/// them, so a new conversation on a known system prompt finds that prompt cached (<see cref="SharedTokens"/>). Thread-safe.
/// </summary>
public sealed class PrefixIndex(int capacityBlocks = PrefixIndex.DefaultCapacityBlocks)
{
    /// <summary>llm-d's default per-server capacity of its approximate index (lruCapacityPerServer).</summary>
    public const int DefaultCapacityBlocks = 31_250;

    /// <summary>Tokens per KV block (vLLM's default block size).</summary>
    public const int BlockTokens = 16;

    private readonly Lock _gate = new();
    private readonly Dictionary<(ulong Key, bool Shared), LinkedListNode<((ulong Key, bool Shared) Id, int Blocks)>> _byKey = [];
    private readonly LinkedList<((ulong Key, bool Shared) Id, int Blocks)> _lru = new(); // most recent first
    private long _blocks;

    /// <summary>Blocks the index holds at most (the sum over its conversations).</summary>
    public int CapacityBlocks { get; } = Math.Max(1, capacityBlocks);

    /// <summary>Conversations held (shared prefixes not counted).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byKey.Keys.Count(k => !k.Shared);
            }
        }
    }

    /// <summary>Prompt tokens of a call with <paramref name="key"/> the backend likely still holds of its conversation: 0 when it was never sent there or was forgotten.</summary>
    public long CachedTokens(PrefixKey key)
    {
        lock (_gate)
        {
            return _byKey.TryGetValue((key.ConversationKey, false), out var node) ? (long)Math.Min(node.Value.Blocks, key.Blocks) * BlockTokens : 0;
        }
    }

    /// <summary>
    /// Prompt tokens of a call with <paramref name="key"/> the backend likely holds through a prefix other conversations
    /// sent there too (<see cref="PrefixKey.SharedKey"/>): its shared blocks when one was, else 0.
    /// </summary>
    public long SharedTokens(PrefixKey key)
    {
        if (key.SharedBlocks <= 0)
        {
            return 0;
        }

        lock (_gate)
        {
            return _byKey.ContainsKey((key.SharedKey, true)) ? (long)key.SharedBlocks * BlockTokens : 0;
        }
    }

    /// <summary>Prompt tokens of a call with <paramref name="key"/> the backend likely holds: the longer of <see cref="CachedTokens"/> and <see cref="SharedTokens"/>.</summary>
    public long HeldTokens(PrefixKey key) => Math.Max(CachedTokens(key), SharedTokens(key));

    /// <summary>Notes that a call with <paramref name="key"/> was sent to the backend (its prompt, and so its shared prefix, will be cached there).</summary>
    public void Record(PrefixKey key)
    {
        lock (_gate)
        {
            // The shared prefix last, so it is the most recently sent: a conversation's turns must not push out the
            // prefix every conversation on the card uses.
            Note((key.ConversationKey, false), Math.Max(1, key.Blocks));
            if (key.SharedBlocks > 0)
            {
                Note((key.SharedKey, true), key.SharedBlocks);
            }
        }
    }

    // Under _gate: marks the entry most recently sent (the longer of its old and new length), then forgets the least
    // recently sent ones beyond the capacity.
    private void Note((ulong Key, bool Shared) id, int blocks)
    {
        if (_byKey.TryGetValue(id, out var node))
        {
            _lru.Remove(node);
            _blocks -= node.Value.Blocks;
            blocks = Math.Max(blocks, node.Value.Blocks);
            node.Value = (id, blocks);
        }
        else
        {
            node = new LinkedListNode<((ulong Key, bool Shared) Id, int Blocks)>((id, blocks));
            _byKey[id] = node;
        }

        _lru.AddFirst(node);
        _blocks += blocks;
        while (_blocks > CapacityBlocks && _lru.Last is { } oldest && oldest != node)
        {
            _lru.RemoveLast();
            _byKey.Remove(oldest.Value.Id);
            _blocks -= oldest.Value.Blocks;
        }
    }
}
