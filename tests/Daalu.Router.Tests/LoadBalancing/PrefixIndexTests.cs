using Daalu.Router.LoadBalancing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

public sealed class PrefixIndexTests
{
    [Fact]
    public void CachedTokens_ConversationNeverSent_Zero()
    {
        var index = new PrefixIndex();
        index.Record(new PrefixKey(1, 10, 100));
        Assert.Equal(0, index.CachedTokens(new PrefixKey(2, 10, 100)));
    }

    [Fact]
    public void CachedTokens_LaterTurnOfSentConversation_TheEarlierPromptInBlocksOf16Tokens()
    {
        // vLLM reuses the earlier turn's blocks; the new tool result and reply after them are a miss.
        var index = new PrefixIndex();
        index.Record(new PrefixKey(7, 100, 180));
        Assert.Equal(180 * 16, index.CachedTokens(new PrefixKey(7, 100, 250)));
        Assert.Equal(120 * 16, index.CachedTokens(new PrefixKey(7, 100, 120))); // a shorter prompt: at most its own length
    }

    [Fact]
    public void Record_SameConversationAgain_KeepsTheLongerPromptAndOneEntry()
    {
        var index = new PrefixIndex();
        index.Record(new PrefixKey(7, 100, 250));
        index.Record(new PrefixKey(7, 100, 180)); // a retry of an earlier, shorter state
        Assert.Equal(1, index.Count);
        Assert.Equal(250 * 16, index.CachedTokens(new PrefixKey(7, 100, 300)));
    }

    [Fact]
    public void Record_PastCapacity_ForgetsTheLeastRecentlySentFirst()
    {
        var index = new PrefixIndex(capacityBlocks: 300);
        index.Record(new PrefixKey(1, 10, 100));
        index.Record(new PrefixKey(2, 10, 100));
        index.Record(new PrefixKey(1, 10, 100)); // conversation 1 sent again: now the most recent
        index.Record(new PrefixKey(3, 10, 150)); // 350 blocks > 300: conversation 2 goes

        Assert.Equal(0, index.CachedTokens(new PrefixKey(2, 10, 100)));
        Assert.Equal(100 * 16, index.CachedTokens(new PrefixKey(1, 10, 100)));
        Assert.Equal(150 * 16, index.CachedTokens(new PrefixKey(3, 10, 150)));
        Assert.Equal(2, index.Count);
    }

    [Fact]
    public void Record_OneConversationLargerThanCapacity_KeptAlone()
    {
        // The newest call is on the card whatever its size; only older ones are forgotten for it.
        var index = new PrefixIndex(capacityBlocks: 100);
        index.Record(new PrefixKey(1, 10, 50));
        index.Record(new PrefixKey(2, 10, 400));
        Assert.Equal(1, index.Count);
        Assert.Equal(400 * 16, index.CachedTokens(new PrefixKey(2, 10, 400)));
    }
}
