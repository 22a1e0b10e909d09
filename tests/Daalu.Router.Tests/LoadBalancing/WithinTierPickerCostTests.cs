using Daalu.Router.LoadBalancing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

/// <summary>The picker's cost: pick load plus the prefill a new call's first token waits for (backlog and its own miss).</summary>
public sealed class WithinTierPickerCostTests
{
    private static readonly string[] Four = ["own-1", "own-2", "own-3", "own-4"];

    // An agent step: a 100-block key (system prompt and task) and 250 blocks of prompt (4,000 tokens) in all.
    private static PrefixKey Step(ulong conversation, int blocks = 250) => new(conversation, 100, blocks);

    // A single-turn chat: the key covers the whole prompt.
    private static PrefixKey Chat(ulong conversation, int blocks = 30) => new(conversation, blocks, blocks);

    private static int[] Ranking(PrefixKey key) => WithinTierPicker.Order(Four, [0, 0, 0, 0], key, new Random(1));

    [Fact]
    public void Cost_BacklogAndMissInTokensPerCallOnTopOfPickLoad()
    {
        // 1,024 tokens queued and 4,000 - 3,000 cached = 1,000 to prefill: (1,024 + 1,000) / 512 = 3.95 calls, plus 1.5.
        Assert.Equal(1.5 + (2024 / WithinTierPicker.TokensPerRequest), WithinTierPicker.Cost(new PickInput(1.5, 1024, 3000), 4000), 9);
        Assert.Equal(2.0, WithinTierPicker.Cost(new PickInput(2, 0, 5000), 4000)); // cached beyond the prompt: no negative miss
    }

    [Fact]
    public void Order_LaterTurnHeldAtASecondaryCard_GoesWhereItIsCachedNotToTheHashHome()
    {
        // The index knows where the conversation ran (its first step went to the second-ranked card, the home being busy
        // then): that card saves the 3,000-token prefill, the hash home saves nothing.
        var key = Step(42);
        var ranking = Ranking(key);
        var inputs = new PickInput[4];
        inputs[ranking[0]] = new PickInput(1, 0, 0);
        inputs[ranking[1]] = new PickInput(1, 0, 3000);
        inputs[ranking[2]] = new PickInput(1, 0, 0);
        inputs[ranking[3]] = new PickInput(1, 0, 0);
        Assert.Equal(ranking[1], WithinTierPicker.Order(Four, inputs, key, new Random(1))[0]);
    }

    [Fact]
    public void Order_LaterTurnCachedAtHomeBehindABacklogLargerThanTheMiss_GoesToTheIdleCard()
    {
        // The home holds 3,000 of the 4,000 tokens but 5,000 tokens of other prompts wait there: 6,000 tokens before
        // its first token against 4,000 on an idle card. The old slack (2 + 250/32 = 9.8 calls) kept it home.
        var key = Step(43);
        var ranking = Ranking(key);
        var inputs = new PickInput[4];
        inputs[ranking[0]] = new PickInput(2, 5000, 3000);
        inputs[ranking[1]] = new PickInput(2, 800, 0);
        inputs[ranking[2]] = new PickInput(1, 0, 0);
        inputs[ranking[3]] = new PickInput(2, 0, 0);
        var order = WithinTierPicker.Order(Four, inputs, key, new Random(1));
        Assert.Equal(ranking[2], order[0]);
        Assert.Equal([ranking[2], ranking[0], ranking[1], ranking[3]], order); // then the ranking: fall-through goes home

        inputs[ranking[0]] = new PickInput(2, 1500, 3000); // 2,500 tokens at home: home again
        Assert.Equal(ranking[0], WithinTierPicker.Order(Four, inputs, key, new Random(1))[0]);
    }

    [Fact]
    public void Order_FirstTurnsEqualCalls_CardWithTheShortestPrefillBacklogFirst()
    {
        // A chat burst: every card has two calls waiting, but one card's are a 6,000-token agent step and a chat, the
        // others' two chats. Counting calls alone sent a chat behind the long prefill as often as not.
        for (ulong c = 0; c < 40; c++)
        {
            var inputs = new[] { new PickInput(2, 6500, 0), new PickInput(2, 900, 0), new PickInput(2, 700, 0), new PickInput(2, 1200, 0) };
            Assert.Equal(2, WithinTierPicker.Order(Four, inputs, Chat(c), new Random(1))[0]);
        }
    }

    [Fact]
    public void Order_LaterTurnNoCardKnownToHoldIt_FallsBackToTheRankingWithSlack()
    {
        // Another router replica sent the earlier turns (this one's index is empty): the hash home is the prediction,
        // and it keeps the later-turn slack of the load-only picker.
        var key = Step(44);
        var ranking = Ranking(key);
        var inputs = new PickInput[4];
        inputs[ranking[0]] = new PickInput(5, 0, 0);
        inputs[ranking[1]] = new PickInput(1, 0, 0);
        inputs[ranking[2]] = new PickInput(1, 0, 0);
        inputs[ranking[3]] = new PickInput(1, 0, 0);
        Assert.Equal(ranking[0], WithinTierPicker.Order(Four, inputs, key, new Random(1))[0]); // 5 <= 1 + 2 + 250/32
    }

    [Fact]
    public void PickInput_FromTrackerView_ReadsBacklogAndWhatTheIndexHoldsForTheKey()
    {
        var t = new LoadTracker(new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var first = t.Enter(LoadTracker.ExpectedTokens(2400, 200), 2400, Step(7, 150));
        t.RecordTtft(400, first);
        t.Enter(LoadTracker.ExpectedTokens(500, 200), 500, Chat(8));

        var input = PickInput.From(t.Estimate(), 2, Step(7, 200));
        Assert.Equal(500, input.PrefillBacklogTokens);
        Assert.Equal(150 * 16, input.CachedPromptTokens);
        Assert.Equal(t.Estimate().PickLoad, input.PickLoad);
        Assert.Equal(new PickInput(3, 0, 0), PickInput.From(null, 3, Step(7)));
    }
}
