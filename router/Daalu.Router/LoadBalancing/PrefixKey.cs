namespace Daalu.Router.LoadBalancing;

/// <summary>What prefix affinity knows about a request's prompt.</summary>
/// <param name="ConversationKey">Chain hash of the leading blocks that identify the conversation (the same for every turn of it).</param>
/// <param name="KeyBlocks">Blocks the key covers.</param>
/// <param name="Blocks">Blocks in the whole prompt (its estimated length in 16-token blocks).</param>
public readonly record struct PrefixKey(ulong ConversationKey, int KeyBlocks, int Blocks);
