using System.Diagnostics;
using Daalu.KubeApiServer;
using Daalu.Runtime.LeaderElection;

namespace Daalu.Runtime.Tests.LeaderElection;

public sealed class LeaseLeaderElectorTests : IAsyncDisposable
{
    private readonly KubeApiServer.KubeApiServer _server = TestApi.Start();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private static LeaderElectionOptions Options(string identity) => new()
    {
        LeaseName = "daalu-operator",
        LeaseNamespace = "default",
        Identity = identity,
        // Short enough for a fast test, long enough that a loaded CI machine still renews in time.
        LeaseDuration = TimeSpan.FromSeconds(4),
        RenewDeadline = TimeSpan.FromSeconds(3),
        RetryPeriod = TimeSpan.FromMilliseconds(300),
    };

    /// <summary>One candidate with a record of when it started and stopped acting.</summary>
    private sealed class Candidate(LeaseLeaderElector elector, Stopwatch clock)
    {
        public TimeSpan? StartedAt { get; private set; }

        public TimeSpan? WorkCancelledAt { get; private set; }

        public TimeSpan? StoppedAt { get; private set; }

        public LeaseLeaderElector Elector => elector;

        public Task Run(CancellationToken cancellationToken) => elector.RunAsync(
            async token =>
            {
                StartedAt = clock.Elapsed;
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                catch (OperationCanceledException)
                {
                    WorkCancelledAt = clock.Elapsed;
                }
            },
            () => StoppedAt = clock.Elapsed,
            cancellationToken);
    }

    private Candidate NewCandidate(string identity) =>
        new(new LeaseLeaderElector(_server.CreateClient(identity), Options(identity)), _clock);

    [Fact]
    public async Task RunAsync_LeaderStopsGracefully_SecondStartsOnlyAfterFirstStopped()
    {
        var a = NewCandidate("a");
        var b = NewCandidate("b");
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var runA = a.Run(stopA.Token);
        Assert.True(await TestApi.EventuallyAsync(() => a.StartedAt is not null));
        var runB = b.Run(stopB.Token);

        await Task.Delay(TimeSpan.FromSeconds(4.5));
        Assert.Null(b.StartedAt);
        Assert.True(a.Elector.IsLeader);

        await stopA.CancelAsync();
        await runA.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(await TestApi.EventuallyAsync(() => b.StartedAt is not null));
        Assert.True(b.StartedAt > a.StoppedAt);
        Assert.True(a.WorkCancelledAt <= a.StoppedAt);
        await stopB.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RunAsync_LeaderCannotRenew_StopsActingWithinRenewDeadlineBeforeSuccessorStarts()
    {
        var a = NewCandidate("a");
        var b = NewCandidate("b");
        using var stop = new CancellationTokenSource();
        var runA = a.Run(stop.Token);
        Assert.True(await TestApi.EventuallyAsync(() => a.StartedAt is not null));
        var runB = b.Run(stop.Token);
        await Task.Delay(500);

        // Every lease update fails now: the leader cannot renew and the candidate cannot take over.
        _server.InjectFailure(new FailureRule { Verb = "update", Resource = "leases", StatusCode = 500, Times = 100_000 });
        var brokenAt = _clock.Elapsed;

        Assert.True(await TestApi.EventuallyAsync(() => a.StoppedAt is not null, TimeSpan.FromSeconds(15)));
        Assert.True(a.WorkCancelledAt - brokenAt <= TimeSpan.FromSeconds(3 + 0.5), $"stopped acting {(a.WorkCancelledAt - brokenAt)?.TotalSeconds}s after renewals broke");
        Assert.False(a.Elector.IsLeader);
        Assert.Null(b.StartedAt);

        _server.ClearFailures();

        Assert.True(await TestApi.EventuallyAsync(() => b.StartedAt is not null, TimeSpan.FromSeconds(15)));
        Assert.True(b.StartedAt > a.WorkCancelledAt);
        await runA.WaitAsync(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();
}
