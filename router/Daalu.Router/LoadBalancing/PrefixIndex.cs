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
/// is what agrees across replicas. Thread-safe.
/// </summary>
public sealed class PrefixIndex(int capacityBlocks = PrefixIndex.DefaultCapacityBlocks)
{
    /// <summary>llm-d's default per-server capacity of its approximate index (lruCapacityPerServer).</summary>
    public const int DefaultCapacityBlocks = 31_250;

    /// <summary>Tokens per KV block (vLLM's default block size).</summary>
    public const int BlockTokens = 16;

    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, LinkedListNode<(ulong Key, int Blocks)>> _byKey = [];
    private readonly LinkedList<(ulong Key, int Blocks)> _lru = new(); // most recent first
    private long _blocks;

    /// <summary>Blocks the index holds at most (the sum over its conversations).</summary>
    public int CapacityBlocks { get; } = Math.Max(1, capacityBlocks);

    /// <summary>Conversations held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byKey.Count;
            }
        }
    }

    /// <summary>Prompt tokens of a call with <paramref name="key"/> the backend likely still holds: 0 when it was never sent there or was forgotten.</summary>
    public long CachedTokens(PrefixKey key)
    {
        lock (_gate)
        {
            return _byKey.TryGetValue(key.ConversationKey, out var node) ? (long)Math.Min(node.Value.Blocks, key.Blocks) * BlockTokens : 0;
        }
    }

    /// <summary>Notes that a call with <paramref name="key"/> was sent to the backend (its prompt will be cached there).</summary>
    public void Record(PrefixKey key)
    {
        lock (_gate)
        {
            var blocks = Math.Max(1, key.Blocks);
            if (_byKey.TryGetValue(key.ConversationKey, out var node))
            {
                _lru.Remove(node);
                _blocks -= node.Value.Blocks;
                blocks = Math.Max(blocks, node.Value.Blocks);
                node.Value = (key.ConversationKey, blocks);
            }
            else
            {
                node = new LinkedListNode<(ulong Key, int Blocks)>((key.ConversationKey, blocks));
                _byKey[key.ConversationKey] = node;
            }

            _lru.AddFirst(node);
            _blocks += blocks;
            while (_blocks > CapacityBlocks && _lru.Last is { } oldest && oldest != node)
            {
                _lru.RemoveLast();
                _byKey.Remove(oldest.Value.Key);
                _blocks -= oldest.Value.Blocks;
            }
        }
    }
}
