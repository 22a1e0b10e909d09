using System.Text.Json.Nodes;
using Daalu.Router.LoadBalancing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

public sealed class PrefixHasherTests
{
    private const string System = "You are an investigation agent. Use the tools to find the root cause of the incident and report it.";

    private static JsonObject Chat(params (string Role, string Content)[] messages) => new()
    {
        ["model"] = "m",
        ["messages"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
    };

    [Fact]
    public void Compute_LaterTurnOfSameConversation_SameKeyMoreBlocks()
    {
        var first = PrefixHasher.Compute(Chat(("system", System), ("user", "Why did checkout latency double at 09:40?")))!.Value;
        var third = PrefixHasher.Compute(Chat(("system", System), ("user", "Why did checkout latency double at 09:40?"),
            ("assistant", "Calling get_metrics(service=checkout)"), ("tool", new string('x', 900)), ("assistant", "Calling get_deploys()")))!.Value;
        Assert.Equal(first.ConversationKey, third.ConversationKey);
        Assert.Equal(first.KeyBlocks, third.KeyBlocks);
        Assert.True(third.Blocks > first.Blocks + 10);
    }

    [Fact]
    public void Compute_SameSystemPromptOtherQuestion_DifferentKey()
    {
        var a = PrefixHasher.Compute(Chat(("system", System), ("user", "Why did checkout latency double at 09:40? Look at the database first.")))!.Value;
        var b = PrefixHasher.Compute(Chat(("system", System), ("user", "Which deploy broke the search index on Tuesday night?")))!.Value;
        Assert.NotEqual(a.ConversationKey, b.ConversationKey);
    }

    [Fact]
    public void FromText_BlocksOf64Characters_KeyOnWholeBlocksOnly()
    {
        var text = new string('a', 130);
        var k = PrefixHasher.FromText(text, 130, PrefixHasher.MaxKeyBlocks)!.Value;
        Assert.Equal(2, k.KeyBlocks); // 16 tokens x 4 characters per block; the partial third block is not in the key
        Assert.Equal(3, k.Blocks);
        var changedTail = PrefixHasher.FromText(text[..128] + "zz", 130, PrefixHasher.MaxKeyBlocks)!.Value;
        Assert.Equal(k.ConversationKey, changedTail.ConversationKey);
        var changedHead = PrefixHasher.FromText("b" + text[1..], 130, PrefixHasher.MaxKeyBlocks)!.Value;
        Assert.NotEqual(k.ConversationKey, changedHead.ConversationKey);
    }

    [Fact]
    public void Compute_ContentParts_SameKeyAsPlainString()
    {
        var plain = PrefixHasher.Compute(Chat(("user", "Summarise the attached incident timeline, please, in five bullet points.")))!.Value;
        var parts = new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(
                    new JsonObject { ["type"] = "text", ["text"] = "Summarise the attached incident timeline, " },
                    new JsonObject { ["type"] = "text", ["text"] = "please, in five bullet points." }),
            }),
        };
        Assert.Equal(plain.ConversationKey, PrefixHasher.Compute(parts)!.Value.ConversationKey);
    }

    [Fact]
    public void Compute_EmbeddingsBodyOrEmptyPrompt_Null()
    {
        Assert.Null(PrefixHasher.Compute(new JsonObject { ["input"] = "text to embed" }));
        Assert.Null(PrefixHasher.Compute(new JsonObject { ["prompt"] = "" }));
    }

    [Fact]
    public void Compute_LegacyPrompt_KeyedOnFirst32Blocks()
    {
        var prompt = new string('p', 64 * 40);
        var k = PrefixHasher.Compute(new JsonObject { ["prompt"] = prompt })!.Value;
        Assert.Equal(PrefixHasher.PromptKeyBlocks, k.KeyBlocks);
        Assert.Equal(40, k.Blocks);
    }

    [Theory]
    [InlineData(10, 5)]       // short conversation: the key's one block reaches into later messages
    [InlineData(3000, 40)]    // long first turn: the key is capped at MaxKeyBlocks, the tool results are only counted
    [InlineData(200, 20000)]  // an agent loop's long history after a short first turn
    public void Compute_LongConversation_SameKeyAsHashingTheWholeText(int firstTurnChars, int toolChars)
    {
        var messages = new (string Role, string Content)[]
        {
            ("system", System), ("user", new string('q', firstTurnChars)), ("assistant", "Calling get_metrics(service=checkout)"),
            ("tool", new string('t', toolChars)), ("assistant", "Calling get_deploys()"), ("tool", new string('d', toolChars)),
        };
        var whole = string.Concat(messages.Select(m => m.Role + "\n" + m.Content + "\n"));
        var keyEnd = ("system\n" + System + "\n" + "user\n").Length + firstTurnChars + 1;

        var systemEnd = ("system\n" + System + "\n").Length; // the leading system text: the shared part
        var expected = PrefixHasher.FromText(whole, keyEnd, PrefixHasher.MaxKeyBlocks, systemEnd)!.Value;
        var actual = PrefixHasher.Compute(Chat(messages))!.Value;

        Assert.Equal(expected, actual);
    }
}
