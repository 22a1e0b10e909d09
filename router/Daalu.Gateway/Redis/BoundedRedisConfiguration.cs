using StackExchange.Redis;

namespace Daalu.Gateway.Redis;

/// <summary>
/// The connection settings every Redis client of the router uses (quota gate, outbox parking, console sessions and
/// login throttle): never abort on a failed connect (StackExchange.Redis keeps reconnecting in the background), one
/// connect retry, and every command (connect, sync, async) bounded by the caller's timeout, so a Redis that is down or
/// paused costs a caller at most that long. Option names: StackExchange.Redis "Configuration" docs
/// (stackexchange.github.io/StackExchange.Redis/Configuration).
/// </summary>
public static class BoundedRedisConfiguration
{
    /// <summary>Parses <paramref name="redisUrl"/> and bounds every wait by <paramref name="timeout"/> (at least 1 ms).</summary>
    public static ConfigurationOptions Parse(string redisUrl, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(redisUrl);
        var config = ConfigurationOptions.Parse(redisUrl);
        var ms = Math.Max(1, (int)timeout.TotalMilliseconds);
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = ms;
        config.SyncTimeout = ms;
        config.AsyncTimeout = ms;
        config.ConnectRetry = 1;
        return config;
    }
}
