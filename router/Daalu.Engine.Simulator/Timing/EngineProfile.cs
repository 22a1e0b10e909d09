namespace Daalu.Engine.Simulator.Timing;

/// <summary>
/// The timing and capacity parameters of one simulated vLLM engine (one model on one card).
/// A scheduler step that decodes <c>b</c> running sequences and prefills <c>p</c> prompt tokens takes
/// <c>DecodeBaseMs + DecodePerSequenceMs * b + p / PrefillTokensPerSecond</c> (see <see cref="StepTime"/>).
/// </summary>
public sealed record EngineProfile
{
    /// <summary>Card class name.</summary>
    public required string GpuClass { get; init; }

    /// <summary>Model size label, e.g. 7b-awq.</summary>
    public required string ModelSize { get; init; }

    /// <summary>Prompt tokens per second one engine prefills (compute-bound).</summary>
    public required double PrefillTokensPerSecond { get; init; }

    /// <summary>Fixed cost of one decode step: reading the weights once (memory-bound).</summary>
    public required double DecodeBaseMs { get; init; }

    /// <summary>Added cost per running sequence in a decode step (its KV cache reads and its share of compute).</summary>
    public required double DecodePerSequenceMs { get; init; }

    /// <summary>vLLM's --max-num-seqs: sequences running at once.</summary>
    public int MaxNumSeqs { get; init; } = 256;

    /// <summary>vLLM's --max-num-batched-tokens: tokens scheduled per step (chunked prefill budget).</summary>
    public int MaxNumBatchedTokens { get; init; } = 8192;

    /// <summary>KV cache blocks of <see cref="BlockSize"/> tokens that fit beside the weights.</summary>
    public required int KvBlocks { get; init; }

    /// <summary>Tokens per KV block (vLLM's default on CUDA).</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary>vLLM's --max-model-len.</summary>
    public int MaxModelLen { get; init; } = 32768;

    /// <summary>Duration of one step.</summary>
    public TimeSpan StepTime(int decodingSequences, int prefillTokens)
    {
        var ms = (decodingSequences > 0 || prefillTokens > 0 ? DecodeBaseMs : 0)
            + DecodePerSequenceMs * decodingSequences
            + prefillTokens * 1000.0 / PrefillTokensPerSecond;
        return TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond));
    }
}
