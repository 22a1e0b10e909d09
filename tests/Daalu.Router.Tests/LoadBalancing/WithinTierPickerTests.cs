using Daalu.Router.LoadBalancing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

public sealed class WithinTierPickerTests
{
    private static readonly string[] Four = ["own-1", "own-2", "own-3", "own-4"];

    // A first turn: the key covers the whole prompt (120 characters: 1 key block of 2).
    private static PrefixKey Key(int i) => PrefixHasher.FromText($"conversation {i}: " + new string('q', 100), 120, PrefixHasher.MaxKeyBlocks)!.Value;

    // A later turn of the same conversation: 1,000 more characters of history after the key (18 blocks in all).
    private static PrefixKey LaterTurn(int i) => PrefixHasher.FromText($"conversation {i}: " + new string('q', 100) + new string('h', 1000), 120, PrefixHasher.MaxKeyBlocks)!.Value;

    [Fact]
    public void Order_SameKey_SameHomeWhateverTheListOrderOrRandomSource()
    {
        // Two router replicas list backends differently and have different random sources: same home, no shared state.
        for (var i = 0; i < 50; i++)
        {
            var a = Four[WithinTierPicker.Order(Four, [0, 0, 0, 0], Key(i), new Random(1))[0]];
            string[] reversed = [.. Four.Reverse()];
            var b = reversed[WithinTierPicker.Order(reversed, [0, 0, 0, 0], Key(i), new Random(2))[0]];
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void Order_ManyConversations_SpreadOverBackends()
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 2000; i++)
        {
            var home = Four[WithinTierPicker.Order(Four, [0, 0, 0, 0], Key(i), new Random(1))[0]];
            counts[home] = counts.GetValueOrDefault(home) + 1;
        }

        Assert.Equal(4, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 400, 600));
    }

    [Fact]
    public void Order_BackendRemoved_OtherConversationsKeepTheirHome()
    {
        string[] three = ["own-1", "own-2", "own-3"];
        for (var i = 0; i < 200; i++)
        {
            var home = Four[WithinTierPicker.Order(Four, [0, 0, 0, 0], Key(i), new Random(1))[0]];
            if (home != "own-4")
            {
                Assert.Equal(home, three[WithinTierPicker.Order(three, [0, 0, 0], Key(i), new Random(1))[0]]);
            }
        }
    }

    [Fact]
    public void Order_LaterTurnHomeWithinSlack_KeptHomeMuchBusier_LeastLoadedRankedNextGoesFirst()
    {
        var key = LaterTurn(7);
        var ranking = WithinTierPicker.Order(Four, [0, 0, 0, 0], key, new Random(1));
        var loads = new double[4];
        loads[ranking[0]] = 5; // min 3, an 18-block prompt -> limit 3 + 2 + 0.56 = 5.56
        loads[ranking[1]] = 3;
        loads[ranking[2]] = 3;
        loads[ranking[3]] = 3;
        Assert.Equal(ranking[0], WithinTierPicker.Order(Four, loads, key, new Random(1))[0]);

        loads[ranking[0]] = 7;
        var order = WithinTierPicker.Order(Four, loads, key, new Random(1));
        Assert.Equal(ranking[1], order[0]); // the second home, so the overflow of a conversation also lands together
        Assert.Equal([ranking[1], ranking[0], ranking[2], ranking[3]], order);
    }

    [Fact]
    public void Order_LaterTurnBurstDeepQueues_HomeNoMoreThanAbsoluteSlackDeeper()
    {
        // In a burst every card holds ~30 calls; the home may be only 2 + blocks/32 deeper than the least loaded, not a
        // share of 30 (which piled a burst's chats on their hash homes).
        var key = LaterTurn(11);
        var ranking = WithinTierPicker.Order(Four, [0, 0, 0, 0], key, new Random(1));
        var loads = new double[4];
        loads[ranking[0]] = 34;
        loads[ranking[1]] = 30;
        loads[ranking[2]] = 30;
        loads[ranking[3]] = 31;
        Assert.Equal(ranking[1], WithinTierPicker.Order(Four, loads, key, new Random(1))[0]);
        loads[ranking[0]] = 32;
        Assert.Equal(ranking[0], WithinTierPicker.Order(Four, loads, key, new Random(1))[0]);
    }

    [Fact]
    public void IsFirstTurn_PromptEndsWithItsKey_TrueAndWithHistoryAfterIt_False()
    {
        Assert.True(WithinTierPicker.IsFirstTurn(Key(1)));
        Assert.False(WithinTierPicker.IsFirstTurn(LaterTurn(1)));

        // A first message longer than the key's cap (128 blocks) counts as a later turn: its head may be a document
        // sent before, which its home holds.
        var longFirst = new string('d', (PrefixHasher.MaxKeyBlocks + 10) * PrefixHasher.BlockChars);
        Assert.False(WithinTierPicker.IsFirstTurn(PrefixHasher.FromText(longFirst, longFirst.Length, PrefixHasher.MaxKeyBlocks)!.Value));
    }

    [Fact]
    public void AffinitySlack_FirstTurnNoneLaterTurnTwoPlusOnePer32Blocks()
    {
        Assert.Equal(0, WithinTierPicker.AffinitySlack(Key(1)));
        Assert.Equal(2 + (18 / 32.0), WithinTierPicker.AffinitySlack(LaterTurn(1)));
    }

    [Fact]
    public void Order_FirstTurnHomeHalfACallBusier_LeastLoadedRankedNextGoesFirst()
    {
        // Nothing of a first turn is on its home yet: a home with one more reply being decoded (0.5 in the pick load)
        // than an idle card does not go first.
        var key = Key(3);
        var ranking = WithinTierPicker.Order(Four, [0, 0, 0, 0], key, new Random(1));
        var loads = new double[4];
        loads[ranking[0]] = 0.5;
        loads[ranking[1]] = 1;
        var order = WithinTierPicker.Order(Four, loads, key, new Random(1));
        Assert.Equal(ranking[2], order[0]);
        Assert.Equal([ranking[2], ranking[0], ranking[1], ranking[3]], order);
    }

    [Fact]
    public void Order_FirstTurnHomeAmongLeastLoaded_HomeGoesFirst()
    {
        var key = Key(3);
        var ranking = WithinTierPicker.Order(Four, [0, 0, 0, 0], key, new Random(1));
        var loads = new double[4];
        loads[ranking[0]] = 1.5;
        loads[ranking[1]] = 1.5;
        loads[ranking[2]] = 2;
        loads[ranking[3]] = 1.5;
        Assert.Equal(ranking[0], WithinTierPicker.Order(Four, loads, key, new Random(1))[0]);
    }

    [Fact]
    public void Order_BurstOfFirstTurnsOnIdleCards_EachCardGetsOneBeforeAnyGetsTwo()
    {
        // A low-load chat burst: single-turn chats arrive faster than their prefills end, each adding a waiting call to
        // the card it is sent to. Sent by their hash homes within 2 + blocks/32, two or three piled on one card while
        // another sat idle (p99 894 ms against round-robin's 481 at 20 % load, docs/benchmarks.md).
        for (var burst = 0; burst < 50; burst++)
        {
            var loads = new double[4];
            for (var call = 0; call < 8; call++)
            {
                var first = WithinTierPicker.Order(Four, loads, Key((burst * 8) + call), new Random(call))[0];
                Assert.True(loads[first] == loads.Min(), $"burst {burst} call {call}: sent to a card with {loads[first]} calls while one had {loads.Min()}");
                loads[first]++;
            }

            Assert.All(loads, l => Assert.Equal(2, l));
        }
    }

    [Fact]
    public void Order_NoKey_PowerOfTwoPrefersLessLoaded()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            Assert.Equal(1, WithinTierPicker.Order(["a", "b"], [7, 1], null, new Random(seed))[0]);
        }
    }

    [Fact]
    public void Order_OneBackend_Itself() => Assert.Equal([0], WithinTierPicker.Order(["a"], [100], Key(1), new Random(1)));
}
