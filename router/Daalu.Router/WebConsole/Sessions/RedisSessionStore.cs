using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Daalu.Router.WebConsole.Sessions;

/// <summary>
/// Console sessions in the Redis the router already uses for quota counters (GatewayOptions.RedisUrl), so a session
/// made on one replica holds on every replica and a logout on any replica revokes it everywhere. One hash per session
/// under <c>&lt;prefix&gt;console:session:&lt;SHA-256 of the id&gt;</c> (a Redis dump holds no usable cookie) with the
/// tenant, the anti-forgery token and the created/last-seen times; expiry is decided by <see cref="SessionPolicy"/> on
/// the console's clock, and the key's TTL (idle timeout, capped by what is left of the absolute one) only cleans up.
/// A signed stateless ticket (e.g. ASP.NET Core Data Protection with a shared key ring) was not chosen: revoking it
/// on logout needs a shared deny-list anyway, and with shared state the ticket adds nothing. Redis unreachable: no
/// new session, an existing one reads as logged out (fail closed), a logout answers an error.
/// </summary>
internal sealed partial class RedisSessionStore : ISessionStore
{
    private const string TenantField = "tenant";
    private const string CsrfField = "csrf";
    private const string CreatedField = "created";
    private const string LastSeenField = "lastSeen";

    private readonly ConsoleRedisConnection _redis;
    private readonly string _keyPrefix;
    private readonly ConsoleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RedisSessionStore(ConsoleRedisConnection redis, string keyPrefix, ConsoleOptions options, TimeProvider time, ILogger logger)
    {
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _keyPrefix = keyPrefix + "console:session:";
    }

    /// <summary>The Redis key of a session id (a hash of it: the id itself is the credential).</summary>
    public string KeyOf(string id) => _keyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    /// <summary>The TTL that cleans a session up: the idle timeout, or less when the absolute timeout comes first.</summary>
    public static TimeSpan CleanupTtl(DateTimeOffset createdAt, DateTimeOffset now, TimeSpan idle, TimeSpan absolute)
    {
        var left = createdAt + absolute - now;
        return left < idle ? left : idle;
    }

    public async Task<ConsoleSession?> CreateAsync(string tenant, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var session = new ConsoleSession(SessionStore.NewToken(), tenant, SessionStore.NewToken(), now);
        try
        {
            var db = await DatabaseAsync().ConfigureAwait(false);
            var key = KeyOf(session.Id);
            var tx = db.CreateTransaction();
            _ = tx.HashSetAsync(key,
            [
                new HashEntry(TenantField, tenant),
                new HashEntry(CsrfField, session.CsrfToken),
                new HashEntry(CreatedField, now.ToUnixTimeMilliseconds()),
                new HashEntry(LastSeenField, now.ToUnixTimeMilliseconds()),
            ]);
            _ = tx.KeyExpireAsync(key, CleanupTtl(now, now, _options.IdleTimeout, _options.AbsoluteTimeout));
            return await tx.ExecuteAsync().ConfigureAwait(false) ? session : null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(_logger, "create", ex.Message);
            return null;
        }
    }

    public async Task<ConsoleSession?> FindAsync(string? id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        try
        {
            var db = await DatabaseAsync().ConfigureAwait(false);
            var key = KeyOf(id);
            var fields = (await db.HashGetAllAsync(key).ConfigureAwait(false)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
            if (!fields.TryGetValue(TenantField, out var tenant) || !fields.TryGetValue(CsrfField, out var csrf)
                || !TryTime(fields, CreatedField, out var created) || !TryTime(fields, LastSeenField, out var lastSeen))
            {
                return null;
            }

            var now = _time.GetUtcNow();
            if (SessionPolicy.IsExpired(created, lastSeen, now, _options.IdleTimeout, _options.AbsoluteTimeout))
            {
                await db.KeyDeleteAsync(key).ConfigureAwait(false);
                return null;
            }

            var tx = db.CreateTransaction();
            // Only touch a session that still exists: a logout on another replica in between must win.
            tx.AddCondition(Condition.KeyExists(key));
            _ = tx.HashSetAsync(key, LastSeenField, now.ToUnixTimeMilliseconds());
            _ = tx.KeyExpireAsync(key, CleanupTtl(created, now, _options.IdleTimeout, _options.AbsoluteTimeout));
            if (!await tx.ExecuteAsync().ConfigureAwait(false))
            {
                return null;
            }

            var session = new ConsoleSession(id, tenant, csrf, created);
            session.Touch(now);
            return session;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(_logger, "read", ex.Message);
            return null;
        }
    }

    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var db = await DatabaseAsync().ConfigureAwait(false);
            await db.KeyDeleteAsync(KeyOf(id)).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(_logger, "revoke", ex.Message);
            return false;
        }
    }

    private Task<IDatabase> DatabaseAsync() => _redis.DatabaseAsync();

    private static bool TryTime(Dictionary<string, string> fields, string name, out DateTimeOffset value)
    {
        value = default;
        if (!fields.TryGetValue(name, out var text) || !long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            return false;
        }

        value = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return true;
    }

    [LoggerMessage(1, LogLevel.Warning, "Console session store (Redis) unavailable on {Operation}: {Message}")]
    private static partial void LogUnavailable(ILogger logger, string operation, string message);
}
