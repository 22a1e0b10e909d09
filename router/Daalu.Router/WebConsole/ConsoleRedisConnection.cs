using Daalu.Gateway.Redis;
using StackExchange.Redis;

namespace Daalu.Router.WebConsole;

/// <summary>
/// The console's one connection to the router's Redis (GatewayOptions.RedisUrl), shared by the session store and the
/// login throttle. Connects in the background at once (the first login does not pay for the handshake) and never
/// aborts on a failed connect: StackExchange.Redis keeps reconnecting, and every command is bounded by the timeout
/// (connect, sync and async alike), so a Redis that is down or paused costs a caller at most that long.
/// </summary>
internal sealed class ConsoleRedisConnection : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;

    public ConsoleRedisConnection(string redisUrl, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(redisUrl);
        var config = BoundedRedisConfiguration.Parse(redisUrl, timeout);
        Timeout = timeout;
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(config));
        _ = _connection.Value;
    }

    /// <summary>Upper bound of one call.</summary>
    public TimeSpan Timeout { get; }

    public async Task<IDatabase> DatabaseAsync() => (await _connection.Value.ConfigureAwait(false)).GetDatabase();

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            try
            {
                await (await _connection.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
            }
        }
    }
}
