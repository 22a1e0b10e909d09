namespace Daalu.Router.WebConsole.Sessions;

/// <summary>
/// Where console sessions live. The cookie carries only a random 256-bit id; the store maps it to the tenant, the
/// anti-forgery token and the times that decide expiry (<see cref="SessionPolicy"/>).
/// </summary>
internal interface ISessionStore
{
    /// <summary>Creates a session for <paramref name="tenant"/>, or null when the store refuses more (full, or unreachable).</summary>
    Task<ConsoleSession?> CreateAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>The live session with this id (and marks it used), or null when unknown, expired or revoked.</summary>
    Task<ConsoleSession?> FindAsync(string? id, CancellationToken cancellationToken);

    /// <summary>Revokes the session: no replica accepts its id afterwards. False when the store could not be reached.</summary>
    Task<bool> RemoveAsync(string id, CancellationToken cancellationToken);
}
