using System.Net;
using Daalu.Console.Tests.Infrastructure;
using Daalu.Router.WebConsole;
using Daalu.Router.WebConsole.Security;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Console.Tests.Unit;

/// <summary>
/// The login gate's decisions: which count applies when the shared counter answers, when it does not, and what a good
/// key gives back. Replicas are gates with their own clocks and throttles over one shared counter with its own clock.
/// </summary>
public sealed class LoginGateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress Attacker = IPAddress.Parse("198.51.100.7");
    private static readonly ConsoleOptions Options = new();

    private static LoginGate Replica(FakeSharedLoginCounter? shared, TimeProvider time) => new(new LoginThrottle(Options), shared, Options, time);

    // Each guess has its own key prefix, so only the address's bucket fills.
    private static async Task<LoginAttempt> FailAsync(LoginGate gate, int guess)
    {
        var attempt = await gate.BeginAsync(Attacker, $"guess-{guess:00}-abcdef", CancellationToken.None);
        Assert.Equal(TimeSpan.Zero, attempt.Wait);
        await gate.EndAsync(attempt, succeeded: false);
        return attempt;
    }

    [Fact]
    public void Decide_SharedCounterUnavailable_ReplicaWaitApplies()
    {
        Assert.Equal(TimeSpan.Zero, LoginGate.Decide(TimeSpan.Zero, null));
        Assert.Equal(TimeSpan.FromSeconds(5), LoginGate.Decide(TimeSpan.FromSeconds(5), null));
        Assert.Equal(TimeSpan.FromSeconds(30), LoginGate.Decide(TimeSpan.Zero, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(40), LoginGate.Decide(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.Zero, LoginGate.Decide(TimeSpan.Zero, TimeSpan.Zero));
    }

    [Fact]
    public async Task BeginAsync_TenFailuresSpreadOverTwoReplicas_EleventhRefusedOnEitherUntilTheSharedWindowEnds()
    {
        var store = new FakeTimeProvider(T0);
        var shared = new FakeSharedLoginCounter(store);
        // Replica clocks an hour apart: the shared window runs on the store's clock only.
        var a = Replica(shared, new FakeTimeProvider(T0));
        var b = Replica(shared, new FakeTimeProvider(T0.AddHours(1)));
        for (var i = 0; i < 10; i++)
        {
            await FailAsync(i % 2 == 0 ? a : b, i);
            store.Advance(TimeSpan.FromSeconds(1));
        }

        // Five failures each: neither replica's own throttle is closed, the shared count (10) is.
        var onA = await a.BeginAsync(Attacker, "guess-10-abcdef", CancellationToken.None);
        var onB = await b.BeginAsync(Attacker, "guess-11-abcdef", CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(50), onA.Wait);
        Assert.Equal(TimeSpan.FromSeconds(50), onB.Wait);
        Assert.False(onA.CountedShared);
        Assert.Equal(10, shared.CountOf(LoginThrottle.AddressBucket(Attacker)));

        store.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(TimeSpan.Zero, (await b.BeginAsync(Attacker, "guess-12-abcdef", CancellationToken.None)).Wait);
    }

    [Fact]
    public async Task BeginAsync_SharedCounterDown_ReplicaThrottleStillApplies()
    {
        var shared = new FakeSharedLoginCounter(new FakeTimeProvider(T0)) { Available = false };
        var time = new FakeTimeProvider(T0);
        var a = Replica(shared, time);
        var b = Replica(shared, time);
        for (var i = 0; i < 10; i++)
        {
            Assert.False((await FailAsync(a, i)).CountedShared);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(TimeSpan.FromSeconds(50), (await a.BeginAsync(Attacker, "guess-10-abcdef", CancellationToken.None)).Wait);
        // Per replica only: the other replica has seen nothing (the documented cost of failing open).
        Assert.Equal(TimeSpan.Zero, (await b.BeginAsync(Attacker, "guess-10-abcdef", CancellationToken.None)).Wait);
    }

    [Fact]
    public async Task BeginAsync_SharedCounterGoesDownMidAttack_FailuresSeenBeforeStillCountOnTheReplica()
    {
        var shared = new FakeSharedLoginCounter(new FakeTimeProvider(T0));
        var time = new FakeTimeProvider(T0);
        var a = Replica(shared, time);
        for (var i = 0; i < 6; i++)
        {
            Assert.True((await FailAsync(a, i)).CountedShared);
        }

        shared.Available = false;
        for (var i = 6; i < 10; i++)
        {
            await FailAsync(a, i);
        }

        Assert.Equal(Options.LoginFailureWindow, (await a.BeginAsync(Attacker, "guess-10-abcdef", CancellationToken.None)).Wait);
    }

    [Fact]
    public async Task EndAsync_GoodKey_TakesItsSharedCountBack()
    {
        var shared = new FakeSharedLoginCounter(new FakeTimeProvider(T0));
        var a = Replica(shared, new FakeTimeProvider(T0));
        for (var i = 0; i < 9; i++)
        {
            await FailAsync(a, i);
        }

        var good = await a.BeginAsync(Attacker, "key-small-team-0001", CancellationToken.None);
        Assert.True(good.CountedShared);
        Assert.Equal(10, shared.CountOf(LoginThrottle.AddressBucket(Attacker)));
        await a.EndAsync(good, succeeded: true);
        Assert.Equal(9, shared.CountOf(LoginThrottle.AddressBucket(Attacker)));
        Assert.Equal(0, shared.CountOf(LoginThrottle.KeyBucket("key-small-team-0001")));

        // The good login did not use up a try: one more failure is allowed, then the address is closed.
        await FailAsync(a, 9);
        Assert.Equal(Options.LoginFailureWindow, (await a.BeginAsync(Attacker, "guess-10-abcdef", CancellationToken.None)).Wait);
    }

    [Fact]
    public async Task BeginAsync_ReplicaThrottleClosed_SharedCounterNotAsked()
    {
        var shared = new FakeSharedLoginCounter(new FakeTimeProvider(T0)) { Available = false };
        var a = Replica(shared, new FakeTimeProvider(T0));
        for (var i = 0; i < 10; i++)
        {
            await FailAsync(a, i);
        }

        shared.Available = true;
        var refused = await a.BeginAsync(Attacker, "guess-10-abcdef", CancellationToken.None);
        Assert.Equal(Options.LoginFailureWindow, refused.Wait);
        Assert.Equal(0, shared.Calls);
    }

    [Fact]
    public async Task BeginAsync_NoSharedCounter_InMemoryThrottleAlone()
    {
        var time = new FakeTimeProvider(T0);
        var a = Replica(null, time);
        for (var i = 0; i < 10; i++)
        {
            Assert.False((await FailAsync(a, i)).CountedShared);
        }

        Assert.Equal(Options.LoginFailureWindow, (await a.BeginAsync(Attacker, "guess-10-abcdef", CancellationToken.None)).Wait);
        time.Advance(Options.LoginFailureWindow);
        Assert.Equal(TimeSpan.Zero, (await a.BeginAsync(Attacker, "guess-10-abcdef", CancellationToken.None)).Wait);
    }
}
