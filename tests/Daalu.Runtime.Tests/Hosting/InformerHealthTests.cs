using Daalu.Runtime.Hosting;
using Daalu.Runtime.Informers;

namespace Daalu.Runtime.Tests.Hosting;

public class InformerHealthTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Threshold = TimeSpan.FromMinutes(1);

    [Fact]
    public void Problems_NotSyncedWithinThreshold_Reported()
    {
        var informer = new StubInformer { HasSynced = false, LastContactAt = Start };

        Assert.Empty(InformerHealth.Problems([informer], Start, Start.AddSeconds(59), Threshold));
        Assert.Single(InformerHealth.Problems([informer], Start, Start.AddSeconds(61), Threshold));
    }

    [Fact]
    public void Problems_SyncedButNoContactForThreshold_Reported()
    {
        var informer = new StubInformer { HasSynced = true, LastContactAt = Start.AddMinutes(10) };

        Assert.Empty(InformerHealth.Problems([informer], Start, Start.AddMinutes(10).AddSeconds(30), Threshold));
        Assert.Contains("no contact", Assert.Single(InformerHealth.Problems([informer], Start, Start.AddMinutes(12), Threshold)), StringComparison.Ordinal);
    }

    /// <summary>Stands in for an informer's health surface only (the rule reads nothing else).</summary>
    private sealed class StubInformer : IInformer
    {
        public string Kind => "Thing";

        public bool HasSynced { get; init; }

        public int WatchRestarts => 0;

        public int StalledRestarts => 0;

        public int Relists => 0;

        public DateTimeOffset LastContactAt { get; init; }

        public Task ReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
