namespace Daalu.Router.WebConsole.Sessions;

/// <summary>Session expiry as a pure function: idle timeout since the last request, absolute timeout since login.</summary>
internal static class SessionPolicy
{
    public static bool IsExpired(DateTimeOffset createdAt, DateTimeOffset lastSeen, DateTimeOffset now, TimeSpan idle, TimeSpan absolute) =>
        now - lastSeen >= idle || now - createdAt >= absolute;
}
