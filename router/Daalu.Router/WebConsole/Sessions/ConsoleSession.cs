namespace Daalu.Router.WebConsole.Sessions;

/// <summary>
/// A logged-in console user. Holds the tenant the key resolved to, never the key itself; the anti-forgery token
/// every POST must echo; and the times that decide expiry.
/// </summary>
internal sealed class ConsoleSession(string id, string tenant, string csrfToken, DateTimeOffset createdAt)
{
    private long _lastSeenTicks = createdAt.UtcTicks;

    public string Id { get; } = id;

    public string Tenant { get; } = tenant;

    public string CsrfToken { get; } = csrfToken;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset LastSeen => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastSeenTicks, now.UtcTicks);
}
