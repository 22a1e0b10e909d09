using System.Net;
using Daalu.Router.WebConsole;
using Daalu.Router.WebConsole.Security;

namespace Daalu.Console.Tests.Unit;

public sealed class LoginThrottleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void Wait_FewerThanLimitInWindow_Zero()
    {
        var failures = Enumerable.Range(0, 9).Select(i => T0.AddSeconds(i)).ToList();
        Assert.Equal(TimeSpan.Zero, LoginThrottle.Wait(failures, T0.AddSeconds(10), 10, Minute));
    }

    [Fact]
    public void Wait_LimitReached_UntilTheOldestCountedFailureLeavesTheWindow()
    {
        var failures = Enumerable.Range(0, 12).Select(i => T0.AddSeconds(i * 2)).ToList(); // t = 0, 2, ..., 22 s
        // The last 10 start at t = 4 s: closed until t = 64 s.
        Assert.Equal(TimeSpan.FromSeconds(34), LoginThrottle.Wait(failures, T0.AddSeconds(30), 10, Minute));
        Assert.Equal(TimeSpan.Zero, LoginThrottle.Wait(failures, T0.AddSeconds(64), 10, Minute));
    }

    [Fact]
    public void RetryAfter_ManyAddressesOneKeyPrefix_PrefixBucketCloses()
    {
        var throttle = new LoginThrottle(new ConsoleOptions());
        for (var i = 0; i < 10; i++)
        {
            throttle.RecordFailure(IPAddress.Parse($"198.51.100.{i + 1}"), "sk-team-a-00" + i, T0);
        }

        // A fresh address guessing the same key's tail is refused; a different key from it is not.
        Assert.Equal(Minute, throttle.RetryAfter(IPAddress.Parse("203.0.113.77"), "sk-team-a-00xyz", T0));
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter(IPAddress.Parse("203.0.113.77"), "sk-team-b-000", T0));
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter(IPAddress.Parse("198.51.100.1"), "other-key-123", T0));
    }

    [Fact]
    public void AddressBucket_Ipv6CountedPer64_MappedIpv4AsIpv4()
    {
        Assert.Equal(LoginThrottle.AddressBucket(IPAddress.Parse("2001:db8:1:2::1")), LoginThrottle.AddressBucket(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(LoginThrottle.AddressBucket(IPAddress.Parse("2001:db8:1:2::1")), LoginThrottle.AddressBucket(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("ip:192.0.2.5", LoginThrottle.AddressBucket(IPAddress.Parse("::ffff:192.0.2.5")));
    }

    [Fact]
    public void KeyBucket_OnlyTheFirstTwelveCharacters()
    {
        Assert.Equal("key:sk-team-a-00", LoginThrottle.KeyBucket("sk-team-a-00-secret-tail"));
        Assert.Equal("key:short", LoginThrottle.KeyBucket("short"));
    }
}
