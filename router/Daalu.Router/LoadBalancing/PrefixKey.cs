namespace Daalu.Router.LoadBalancing;

/// <summary>What prefix affinity knows about a request's prompt.</summary>
/// <param name="ConversationKey">Chain hash of the leading blocks that identify the conversation (the same for every turn of it).</param>
/// <param name="KeyBlocks">Blocks the key covers.</param>
/// <param name="Blocks">Blocks in the whole prompt (its estimated length in 16-token blocks).</param>
public readonly record struct PrefixKey(ulong ConversationKey, int KeyBlocks, int Blocks)
{
    /// <summary>
    /// Chain hash of the whole blocks of the leading system (and developer) messages: the prefix many conversations
    /// share (an application's system prompt), which a card's prefix cache holds once any of them ran there. Meaningful
    /// only when <see cref="SharedBlocks"/> is above 0.
    /// </summary>
    public ulong SharedKey { get; init; }

    /// <summary>Whole blocks <see cref="SharedKey"/> covers (0: the prompt opens with no system text of a block or more).</summary>
    public int SharedBlocks { get; init; }
}
