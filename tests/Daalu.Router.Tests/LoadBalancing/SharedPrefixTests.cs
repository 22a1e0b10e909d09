using System.Text.Json.Nodes;
using Daalu.Router.Classification.Judging;
using Daalu.Router.LoadBalancing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

// A prefix many conversations share (an application's system prompt, the judge's instruction) is cached on a card once
// any of them ran there: vLLM's automatic prefix caching matches full 16-token blocks by a hash chained with every block
// before it, whatever request brought them (vLLM docs, "Automatic Prefix Caching"). The key marks the whole blocks of the
// leading system texts, the index remembers them per card, and the prefill backlog leaves them out.
public sealed class SharedPrefixTests
{
    private static readonly string System = string.Concat(Enumerable.Repeat("You are the support assistant of a bank. Answer briefly and politely. ", 5));

    private static JsonObject Chat(params (string Role, string Content)[] messages) => new()
    {
        ["model"] = "m",
        ["messages"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
    };

    [Fact]
    public void Compute_TwoConversationsOnOneSystemPrompt_SameSharedKeyOverItsWholeBlocksOnly()
    {
        var a = PrefixHasher.Compute(Chat(("system", System), ("user", "How do I block my card?")))!.Value;
        var b = PrefixHasher.Compute(Chat(("system", System), ("user", "What is the daily transfer limit for savings accounts?")))!.Value;

        Assert.NotEqual(a.ConversationKey, b.ConversationKey);
        Assert.Equal(a.SharedKey, b.SharedKey);
        // "system\n" + the text + "\n", whole 64-character blocks only (vLLM caches full blocks).
        Assert.Equal(("system\n" + System + "\n").Length / PrefixHasher.BlockChars, a.SharedBlocks);
        Assert.True(a.SharedBlocks < a.KeyBlocks);
    }

    [Fact]
    public void Compute_OtherSystemPromptOrNone_NoSharedKeyInCommon()
    {
        var a = PrefixHasher.Compute(Chat(("system", System), ("user", "How do I block my card?")))!.Value;
        var other = PrefixHasher.Compute(Chat(("system", System.Replace("bank", "shop", StringComparison.Ordinal)), ("user", "How do I block my card?")))!.Value;
        var none = PrefixHasher.Compute(Chat(("user", System + "How do I block my card?")))!.Value;
        var shortSystem = PrefixHasher.Compute(Chat(("system", "Be brief."), ("user", "How do I block my card?")))!.Value;

        Assert.NotEqual(a.SharedKey, other.SharedKey);
        Assert.Equal(0, none.SharedBlocks); // no system text: nothing marked as shared
        Assert.Equal(0, shortSystem.SharedBlocks); // shorter than one block: nothing cached whole
    }

    [Fact]
    public void FromText_SharedEnd_HashIsTheKeyChainAtThatBlock()
    {
        var text = new string('s', 200) + new string('u', 100);
        var k = PrefixHasher.FromText(text, text.Length, PrefixHasher.MaxKeyBlocks, sharedEnd: 200)!.Value;
        var systemOnly = PrefixHasher.FromText(new string('s', 192), 192, PrefixHasher.MaxKeyBlocks)!.Value;

        Assert.Equal(3, k.SharedBlocks); // 200 characters: 3 whole blocks
        Assert.Equal(systemOnly.ConversationKey, k.SharedKey); // the same 3 blocks, the same chain
    }

    [Fact]
    public void SharedTokens_SystemPromptSentThereByAnotherConversation_HeldWithoutTheConversation()
    {
        var index = new PrefixIndex();
        var a = PrefixHasher.Compute(Chat(("system", System), ("user", "How do I block my card?")))!.Value;
        var b = PrefixHasher.Compute(Chat(("system", System), ("user", "What is the daily transfer limit for savings accounts?")))!.Value;
        Assert.Equal(0, index.HeldTokens(b));

        index.Record(a);

        Assert.Equal(0, index.CachedTokens(b)); // b's conversation never ran there: the picker's affinity is unchanged
        Assert.Equal(b.SharedBlocks * PrefixIndex.BlockTokens, index.SharedTokens(b));
        Assert.Equal(b.SharedBlocks * PrefixIndex.BlockTokens, index.HeldTokens(b));
        Assert.Equal(a.Blocks * PrefixIndex.BlockTokens, index.HeldTokens(a)); // its own conversation: the longer
        Assert.Equal(1, index.Count); // conversations only
    }

    [Fact]
    public void SharedTokens_ForgottenBeyondCapacity_NotHeld()
    {
        var index = new PrefixIndex(capacityBlocks: 40);
        var a = new PrefixKey(1, 30, 30) { SharedKey = 99, SharedBlocks = 20 };
        index.Record(a);
        index.Record(new PrefixKey(2, 35, 35)); // 20 + 30 + 35 > 40: the least recently sent go first

        Assert.Equal(0, index.SharedTokens(a with { ConversationKey = 3 }));
    }

    [Fact]
    public void Enter_NewConversationOnASystemPromptSentThereBefore_BacklogLeavesItOut()
    {
        var t = new LoadTracker(new FakeTimeProvider());
        var a = new PrefixKey(1, 40, 40) { SharedKey = 7, SharedBlocks = 30 }; // 640 tokens, 480 of them the system prompt
        var b = new PrefixKey(2, 45, 45) { SharedKey = 7, SharedBlocks = 30 };
        var first = t.Enter(1000, 640, a);
        t.Exit(first);

        var second = t.Enter(1000, 720, b);

        Assert.Equal(640, first.PrefillTokens);
        Assert.Equal(720 - 480, second.PrefillTokens);
        Assert.Equal(240, t.Estimate().PrefillBacklogTokens);
    }

    [Fact]
    public void Enter_TenthSessionRule_OnlyTheConversationCountsAsCached()
    {
        var t = new LoadTracker(new FakeTimeProvider()) { Rule = PrefillRateRule.WaitedPerCall };
        t.Exit(t.Enter(1000, 640, new PrefixKey(1, 40, 40) { SharedKey = 7, SharedBlocks = 30 }));

        Assert.Equal(720, t.Enter(1000, 720, new PrefixKey(2, 45, 45) { SharedKey = 7, SharedBlocks = 30 }).PrefillTokens);
    }

    [Fact]
    public void JudgeLoadOf_TwoQuestions_InstructionIsTheSharedPartAndTokensFollowTheMessages()
    {
        var a = JudgeLoad.Of(JudgePrompts.Difficulty("m", "What is the capital of France?"));
        var b = JudgeLoad.Of(JudgePrompts.Difficulty("m", "Write a C++ program that sorts a file of ten million integers."));
        var q = JudgeLoad.Of(JudgePrompts.Quality("m", "What is the capital of France?", "Paris."));

        Assert.Equal(a.Key!.Value.SharedKey, b.Key!.Value.SharedKey);
        Assert.NotEqual(a.Key.Value.ConversationKey, b.Key.Value.ConversationKey);
        Assert.NotEqual(a.Key.Value.SharedKey, q.Key!.Value.SharedKey); // each purpose has its own instruction
        Assert.Equal(("system\n" + JudgePrompts.DifficultyInstruction + "\n").Length / PrefixHasher.BlockChars, a.Key.Value.SharedBlocks);
        // The messages as the hasher reads them, at 4 characters a token (in 16-token blocks), plus the one digit answered.
        var chars = ("system\n" + JudgePrompts.DifficultyInstruction + "\nuser\nWhat is the capital of France?\n").Length;
        Assert.Equal((chars + PrefixHasher.BlockChars - 1) / PrefixHasher.BlockChars * PrefixIndex.BlockTokens, a.PromptTokens);
        Assert.Equal(a.PromptTokens + 1, a.ExpectedTokens);
    }
}
