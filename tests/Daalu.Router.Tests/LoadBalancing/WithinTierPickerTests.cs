using Daalu.Router.LoadBalancing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

public sealed class WithinTierPickerTests
{
    private static readonly string[] Four = ["own-1", "own-2", "own-3", "own-4"];

    private static PrefixKey Key(int i) => PrefixHasher.FromText($"conversation {i}: " + new string('q', 100), 120, PrefixHasher.MaxKeyBlocks)!.Value;

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
    public void Order_HomeWithinSlack_KeptHomeMuchBusier_LeastLoadedRankedNextGoesFirst()
    {
        var key = Key(7);
        var ranking = WithinTierPicker.Order(Four, [0, 0, 0, 0], key, new Random(1));
        var loads = new double[4];
        loads[ranking[0]] = 5; // min 3, a 2-block prompt -> limit 3 + 2 + 0.06 = 5.06
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
    public void Order_BurstDeepQueues_HomeNoMoreThanAbsoluteSlackDeeper()
    {
        // In a burst every card holds ~30 calls; the home may be only 2 + blocks/32 deeper than the least loaded, not a
        // share of 30 (which piled a burst's chats on their hash homes).
        var key = Key(11);
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
