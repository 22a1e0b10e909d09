using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Daalu.Router.WebConsole.Sessions;

/// <summary>
/// Server-side sessions in this process's memory: the cookie carries only a random 256-bit id. Used when the router has
/// no Redis (one replica); a restart logs everyone out, the safe failure for a console. With Redis configured the
/// router uses <see cref="RedisSessionStore"/> instead, so a session holds on every replica.
/// </summary>
internal sealed class SessionStore(ConsoleOptions options, TimeProvider time) : ISessionStore
{
    private readonly ConcurrentDictionary<string, ConsoleSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    /// <summary>Creates a session, or null when <see cref="ConsoleOptions.MaxSessions"/> live sessions exist.</summary>
    public ConsoleSession? Create(string tenant)
    {
        var now = time.GetUtcNow();
        if (_sessions.Count >= options.MaxSessions)
        {
            Sweep(now);
            if (_sessions.Count >= options.MaxSessions)
            {
                return null;
            }
        }

        var session = new ConsoleSession(NewToken(), tenant, NewToken(), now);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session with this id (and marks it used), or null when unknown or expired (then it is removed).</summary>
    public ConsoleSession? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (SessionPolicy.IsExpired(session.CreatedAt, session.LastSeen, now, options.IdleTimeout, options.AbsoluteTimeout))
        {
            _sessions.TryRemove(id, out _);
            return null;
        }

        session.Touch(now);
        return session;
    }

    public void Remove(string id) => _sessions.TryRemove(id, out _);

    Task<ConsoleSession?> ISessionStore.CreateAsync(string tenant, CancellationToken cancellationToken) => Task.FromResult(Create(tenant));

    Task<ConsoleSession?> ISessionStore.FindAsync(string? id, CancellationToken cancellationToken) => Task.FromResult(Find(id));

    Task<bool> ISessionStore.RemoveAsync(string id, CancellationToken cancellationToken)
    {
        Remove(id);
        return Task.FromResult(true);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (id, s) in _sessions)
        {
            if (SessionPolicy.IsExpired(s.CreatedAt, s.LastSeen, now, options.IdleTimeout, options.AbsoluteTimeout))
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }

    internal static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
