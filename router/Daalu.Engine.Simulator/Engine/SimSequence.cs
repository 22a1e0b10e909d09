namespace Daalu.Engine.Simulator.Engine;

/// <summary>One request inside the engine: its prompt tokens, how far it is computed, and what it generated.</summary>
public sealed class SimSequence
{
    internal SimSequence(long id, IReadOnlyList<int> promptTokens, int maxTokens, int naturalLength, TimeSpan arrival)
    {
        Id = id;
        PromptTokens = promptTokens;
        MaxTokens = maxTokens;
        NaturalLength = naturalLength;
        Arrival = arrival;
    }

    /// <summary>Engine-local id.</summary>
    public long Id { get; }

    /// <summary>The prompt's token ids.</summary>
    public IReadOnlyList<int> PromptTokens { get; }

    /// <summary>The request's max_tokens.</summary>
    public int MaxTokens { get; }

    /// <summary>Tokens the reply has when nothing cuts it (the simulated end-of-sequence).</summary>
    public int NaturalLength { get; }

    /// <summary>Engine time the request arrived.</summary>
    public TimeSpan Arrival { get; }

    /// <summary>Engine time it was first scheduled (queue time ends), if it was.</summary>
    public TimeSpan? FirstScheduled { get; internal set; }

    /// <summary>Engine time its first token was produced.</summary>
    public TimeSpan? FirstToken { get; internal set; }

    /// <summary>Engine time of its latest token.</summary>
    public TimeSpan LastToken { get; internal set; }

    /// <summary>Engine time it finished.</summary>
    public TimeSpan? Finished { get; internal set; }

    /// <summary>Tokens generated so far.</summary>
    public int Generated { get; internal set; }

    /// <summary>Prompt tokens found in the prefix cache when it was (last) scheduled.</summary>
    public int CachedPromptTokens { get; internal set; }

    /// <summary>Times this sequence was preempted.</summary>
    public int Preemptions { get; internal set; }

    /// <summary>stop or length once finished.</summary>
    public string? FinishReason { get; internal set; }

    /// <summary>Prompt plus generated tokens (what the KV cache must hold).</summary>
    internal int TotalTokens => PromptTokens.Count + Generated;

    /// <summary>Tokens whose KV is computed.</summary>
    internal int Computed { get; set; }

    internal List<int> Blocks { get; } = [];

    internal List<ulong> BlockHashes { get; } = [];

    internal int TargetLength => Math.Min(MaxTokens, NaturalLength);

    /// <summary>The token at position <paramref name="i"/> (prompt, then the deterministic generated ids).</summary>
    internal int TokenAt(int i) => i < PromptTokens.Count ? PromptTokens[i] : unchecked((int)(0x5EED0000 + (i - PromptTokens.Count)));
}
