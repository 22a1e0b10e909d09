using Daalu.Engine.Simulator.Timing;

namespace Daalu.Engine.Simulator.Engine;

/// <summary>
/// A discrete-event model of vLLM's V1 scheduler (vllm/v1/core/sched/scheduler.py, as documented in vLLM's
/// "Optimization and Tuning" page): continuous batching with chunked prefill under a per-step token budget
/// (max_num_batched_tokens), at most max_num_seqs running, a FIFO waiting queue, a paged KV cache with automatic prefix
/// caching, and preemption by recomputation of the newest running sequence when a running one needs a block and none
/// is free (no new requests are admitted in a step that preempted). The step's duration comes from the
/// <see cref="EngineProfile"/>; the caller owns the clock (virtual time in tests, real time in the server).
/// Not thread-safe: the caller serialises access.
/// </summary>
public sealed class EngineCore
{
    private readonly List<SimSequence> _running = [];
    private readonly LinkedList<SimSequence> _waiting = new();
    private readonly KvBlockManager _kv;
    private long _nextId;

    /// <summary>Creates an engine with the given profile.</summary>
    public EngineCore(EngineProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Profile = profile;
        _kv = new KvBlockManager(profile.KvBlocks, profile.BlockSize);
    }

    /// <summary>The timing and capacity parameters.</summary>
    public EngineProfile Profile { get; }

    /// <summary>Counters and histograms, as vLLM's /metrics exports them.</summary>
    public EngineStats Stats { get; } = new();

    /// <summary>Sequences running (vllm:num_requests_running).</summary>
    public int Running => _running.Count;

    /// <summary>Sequences waiting (vllm:num_requests_waiting).</summary>
    public int Waiting => _waiting.Count;

    /// <summary>KV cache usage 0..1 (vllm:kv_cache_usage_perc).</summary>
    public double KvCacheUsage => _kv.Usage;

    /// <summary>Whether a step would do anything.</summary>
    public bool HasWork => _running.Count > 0 || _waiting.Count > 0;

    /// <summary>The largest prompt plus max_tokens the engine accepts (max_model_len, and what the whole KV cache holds).</summary>
    public int MaxSequenceTokens => Math.Min(Profile.MaxModelLen, Profile.KvBlocks * Profile.BlockSize);

    /// <summary>Queues a request that arrived at <paramref name="now"/>.</summary>
    public SimSequence Submit(IReadOnlyList<int> promptTokens, int maxTokens, int naturalLength, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(promptTokens);
        if (promptTokens.Count == 0 || promptTokens.Count + maxTokens > MaxSequenceTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(promptTokens), $"prompt {promptTokens.Count} + max_tokens {maxTokens} exceeds {MaxSequenceTokens}");
        }

        var seq = new SimSequence(++_nextId, promptTokens, Math.Max(1, maxTokens), Math.Max(1, naturalLength), now);
        _waiting.AddLast(seq);
        return seq;
    }

    /// <summary>Removes a request (client went away): frees its blocks wherever it is.</summary>
    public void Abort(SimSequence seq)
    {
        ArgumentNullException.ThrowIfNull(seq);
        if (_running.Remove(seq))
        {
            Release(seq);
        }
        else
        {
            _waiting.Remove(seq);
        }

        seq.FinishReason ??= "abort";
    }

    /// <summary>Runs one scheduler step starting at <paramref name="now"/>; everything it emits is stamped now + duration.</summary>
    public StepResult Step(TimeSpan now)
    {
        var budget = Profile.MaxNumBatchedTokens;
        var scheduled = new List<(SimSequence Seq, int Tokens, bool Decode)>();
        var preempted = 0;

        // 1. Running sequences first, oldest first: a decode needs one token, an unfinished (chunked) prefill the rest.
        for (var i = 0; i < _running.Count && budget > 0;)
        {
            var seq = _running[i];
            var n = Math.Min(seq.TotalTokens - seq.Computed, budget);
            var decode = seq.Generated > 0 && seq.TotalTokens - seq.Computed == 1;
            var victimWasSelf = false;
            while (!_kv.TryAllocate(BlocksFor(seq.Computed + n) - seq.Blocks.Count, seq.Blocks))
            {
                var victim = _running[^1];
                Preempt(victim);
                preempted++;
                if (ReferenceEquals(victim, seq))
                {
                    victimWasSelf = true;
                    break;
                }
            }

            if (victimWasSelf)
            {
                continue;
            }

            scheduled.Add((seq, n, decode));
            budget -= n;
            i++;
        }

        // 2. Waiting requests, in arrival order, while there is room (vLLM admits none in a step that preempted).
        while (preempted == 0 && _waiting.First is { } node && _running.Count < Profile.MaxNumSeqs && budget > 0)
        {
            var seq = node.Value;
            var hashes = FullBlockHashes(seq, (seq.TotalTokens - 1) / Profile.BlockSize);
            var cached = _kv.TakeCachedPrefix(hashes);
            seq.Blocks.AddRange(cached);
            seq.BlockHashes.AddRange(hashes.Take(cached.Count));
            seq.Computed = cached.Count * Profile.BlockSize;
            var n = Math.Min(seq.TotalTokens - seq.Computed, budget);
            if (!_kv.TryAllocate(BlocksFor(seq.Computed + n) - seq.Blocks.Count, seq.Blocks))
            {
                Release(seq);
                break;
            }

            _waiting.RemoveFirst();
            Stats.PrefixCacheQueries += seq.TotalTokens;
            Stats.PrefixCacheHits += seq.Computed;
            seq.CachedPromptTokens = Math.Min(seq.Computed, seq.PromptTokens.Count);
            if (seq.FirstScheduled is null)
            {
                seq.FirstScheduled = now;
                Stats.QueueTime.Observe((now - seq.Arrival).TotalSeconds);
            }

            _running.Add(seq);
            scheduled.Add((seq, n, false));
            budget -= n;
        }

        var decoding = scheduled.Count(s => s.Decode);
        var prefill = scheduled.Where(s => !s.Decode).Sum(s => s.Tokens);
        var duration = Profile.StepTime(decoding, prefill);
        var end = now + duration;
        var emitted = new List<SimSequence>();
        var finished = new List<SimSequence>();
        foreach (var (seq, tokens, _) in scheduled)
        {
            seq.Computed += tokens;
            RegisterFullBlocks(seq);
            if (seq.Computed < seq.TotalTokens)
            {
                continue; // a prefill chunk: no token yet
            }

            seq.Generated++;
            emitted.Add(seq);
            Stats.GenerationTokens++;
            if (seq.FirstToken is null)
            {
                seq.FirstToken = end;
                Stats.PromptTokens += seq.PromptTokens.Count;
                Stats.TimeToFirstToken.Observe((end - seq.Arrival).TotalSeconds);
            }
            else
            {
                Stats.InterTokenLatency.Observe((end - seq.LastToken).TotalSeconds);
            }

            seq.LastToken = end;

            if (seq.Generated >= seq.TargetLength)
            {
                seq.FinishReason = seq.Generated >= seq.MaxTokens ? "length" : "stop";
                seq.Finished = end;
                _running.Remove(seq);
                Release(seq);
                finished.Add(seq);
                Stats.Finished(seq);
            }
        }

        return new StepResult(duration, decoding, prefill, emitted, finished, preempted);
    }

    private int BlocksFor(int tokens) => (tokens + Profile.BlockSize - 1) / Profile.BlockSize;

    private void Preempt(SimSequence seq)
    {
        _running.Remove(seq);
        Release(seq);
        seq.Preemptions++;
        Stats.Preemptions++;
        _waiting.AddFirst(seq);
    }

    private void Release(SimSequence seq)
    {
        // Freed tail first, so the tail blocks are evicted before the shared head of a prefix (as vLLM does).
        seq.Blocks.Reverse();
        _kv.Free(seq.Blocks);
        seq.Blocks.Clear();
        seq.BlockHashes.Clear();
        seq.Computed = 0;
    }

    private void RegisterFullBlocks(SimSequence seq)
    {
        var full = seq.Computed / Profile.BlockSize;
        for (var b = seq.BlockHashes.Count; b < full; b++)
        {
            var h = ChainHash(b == 0 ? 0UL : seq.BlockHashes[b - 1], seq, b);
            seq.BlockHashes.Add(h);
            _kv.MarkFull(seq.Blocks[b], h);
        }
    }

    private List<ulong> FullBlockHashes(SimSequence seq, int blocks)
    {
        var hashes = new List<ulong>(blocks);
        var parent = 0UL;
        for (var b = 0; b < blocks; b++)
        {
            parent = ChainHash(parent, seq, b);
            hashes.Add(parent);
        }

        return hashes;
    }

    // FNV-1a over the parent hash and the block's token ids: equal only for equal prefixes (up to collisions).
    private ulong ChainHash(ulong parent, SimSequence seq, int block)
    {
        var h = 14695981039346656037UL ^ parent;
        h *= 1099511628211UL;
        for (var i = block * Profile.BlockSize; i < (block + 1) * Profile.BlockSize; i++)
        {
            h ^= (uint)seq.TokenAt(i);
            h *= 1099511628211UL;
        }

        return h;
    }
}
