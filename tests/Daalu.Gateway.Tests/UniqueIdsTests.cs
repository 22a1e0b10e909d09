using Daalu.Gateway.Ids;

namespace Daalu.Gateway.Tests;

public sealed class UniqueIdsTests
{
    [Fact]
    public void Next_ManyCallsFromManyThreads_ThirtyTwoLowerHexAndAllDistinct()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                ids.Add(UniqueIds.Next());
            }
        });

        Assert.Equal(80_000, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        // One process prefix: the first 16 characters are the same for every id.
        Assert.Single(ids.Select(id => id[..16]).Distinct(StringComparer.Ordinal));
    }
}
