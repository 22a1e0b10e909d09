namespace Daalu.Engine.Simulator.Engine;

/// <summary>
/// vLLM's paged KV cache with automatic prefix caching, as described in vLLM's design docs ("Automatic Prefix
/// Caching", docs/design/prefix_caching.md): fixed blocks of 16 tokens; a full block is identified by a hash of its
/// tokens chained with its parent block's hash, so a block is reused only when the whole prefix matches; blocks whose
/// reference count drops to zero keep their contents and hash and are evicted least recently freed first, only when a
/// fresh block is needed.
/// </summary>
internal sealed class KvBlockManager
{
    private readonly int[] _refCount;
    private readonly ulong?[] _hashOf;
    private readonly Dictionary<ulong, int> _cached = [];
    // Free blocks in eviction order: never-used/uncached ones first, then cached ones, least recently freed first.
    private readonly LinkedList<int> _free = new();
    private readonly LinkedListNode<int>?[] _freeNode;

    public KvBlockManager(int blocks, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blocks);
        BlockSize = blockSize;
        Total = blocks;
        _refCount = new int[blocks];
        _hashOf = new ulong?[blocks];
        _freeNode = new LinkedListNode<int>?[blocks];
        for (var i = 0; i < blocks; i++)
        {
            _freeNode[i] = _free.AddLast(i);
        }
    }

    public int BlockSize { get; }

    public int Total { get; }

    public int FreeCount => _free.Count;

    /// <summary>Fraction of blocks held by running sequences (vllm:kv_cache_usage_perc).</summary>
    public double Usage => Total == 0 ? 1 : (double)(Total - _free.Count) / Total;

    /// <summary>The cached blocks that continue the chain <paramref name="fullBlockHashes"/> from its start, taken (ref++).</summary>
    public List<int> TakeCachedPrefix(IReadOnlyList<ulong> fullBlockHashes)
    {
        var taken = new List<int>();
        foreach (var h in fullBlockHashes)
        {
            if (!_cached.TryGetValue(h, out var block))
            {
                break;
            }

            Reference(block);
            taken.Add(block);
        }

        return taken;
    }

    /// <summary>Allocates <paramref name="count"/> fresh blocks, or none when not enough are free.</summary>
    public bool TryAllocate(int count, List<int> into)
    {
        if (count > _free.Count)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            var block = _free.First!.Value;
            if (_hashOf[block] is { } old)
            {
                _cached.Remove(old);
                _hashOf[block] = null;
            }

            Reference(block);
            into.Add(block);
        }

        return true;
    }

    /// <summary>Registers a block that became full under the given chained hash (first writer wins).</summary>
    public void MarkFull(int block, ulong hash)
    {
        if (_hashOf[block] is null && _cached.TryAdd(hash, block))
        {
            _hashOf[block] = hash;
        }
    }

    /// <summary>Drops one reference to each block; blocks with a hash stay cached until evicted.</summary>
    public void Free(IEnumerable<int> blocks)
    {
        foreach (var b in blocks)
        {
            if (--_refCount[b] == 0)
            {
                // Uncached blocks go to the front (reused first); cached ones to the back (evicted last).
                _freeNode[b] = _hashOf[b] is null ? _free.AddFirst(b) : _free.AddLast(b);
            }
        }
    }

    private void Reference(int block)
    {
        if (_refCount[block]++ == 0 && _freeNode[block] is { } node)
        {
            _free.Remove(node);
            _freeNode[block] = null;
        }
    }
}
