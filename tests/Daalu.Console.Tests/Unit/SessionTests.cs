using Daalu.Router.WebConsole;
using Daalu.Router.WebConsole.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Console.Tests.Unit;

public sealed class SessionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, 29, false)]
    [InlineData(0, 30, true)]
    [InlineData(470, 479, false)]
    [InlineData(475, 480, true)]
    public void IsExpired_IdleAndAbsolute_EitherEnds(int lastSeenMinutes, int nowMinutes, bool expected)
    {
        Assert.Equal(expected, SessionPolicy.IsExpired(T0, T0.AddMinutes(lastSeenMinutes), T0.AddMinutes(nowMinutes), TimeSpan.FromMinutes(30), TimeSpan.FromHours(8)));
    }

    [Fact]
    public void Find_ActivityKeepsSessionAlive_UntilIdleTimeout()
    {
        var time = new FakeTimeProvider(T0);
        var store = new SessionStore(new ConsoleOptions { IdleTimeout = TimeSpan.FromMinutes(30) }, time);
        var s = store.Create("team-a")!;
        time.Advance(TimeSpan.FromMinutes(20));
        Assert.Same(s, store.Find(s.Id));
        time.Advance(TimeSpan.FromMinutes(20));
        Assert.Same(s, store.Find(s.Id));
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Null(store.Find(s.Id));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Create_TokensAreRandomAndDistinct()
    {
        var store = new SessionStore(new ConsoleOptions(), new FakeTimeProvider(T0));
        var a = store.Create("t")!;
        var b = store.Create("t")!;
        Assert.NotEqual(a.Id, b.Id);
        Assert.NotEqual(a.Id, a.CsrfToken);
        Assert.True(a.Id.Length >= 43);
    }

    [Fact]
    public void Create_AtMaxSessions_RefusedUntilOneExpires()
    {
        var time = new FakeTimeProvider(T0);
        var store = new SessionStore(new ConsoleOptions { MaxSessions = 2, IdleTimeout = TimeSpan.FromMinutes(1) }, time);
        Assert.NotNull(store.Create("a"));
        Assert.NotNull(store.Create("b"));
        Assert.Null(store.Create("c"));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.NotNull(store.Create("c"));
    }
}
