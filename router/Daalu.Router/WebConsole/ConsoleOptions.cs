namespace Daalu.Router.WebConsole;

/// <summary>
/// Console settings. The router mounts the console with defaults; a host (tests, the demo) may register an instance
/// in DI before the app is built to change them.
/// </summary>
public sealed class ConsoleOptions
{
    /// <summary>Path the console lives under; its cookie is scoped to it.</summary>
    public string PathBase { get; init; } = "/console";

    /// <summary>A session ends after this long without a request.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after login, however active.</summary>
    public TimeSpan AbsoluteTimeout { get; init; } = TimeSpan.FromHours(8);

    /// <summary>At most one diagnostics probe per tenant in this interval (a probe sends a real completion to the card).</summary>
    public TimeSpan DiagnosticsInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Backend /metrics and dcgm-exporter answers are reused for this long, however many pages poll.</summary>
    public TimeSpan ScrapeCacheTime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Timeout of one scrape or probe request.</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most sessions held at once; past it, logins are refused until some expire.</summary>
    public int MaxSessions { get; init; } = 10_000;

    /// <summary>
    /// Upper bound of one call to the shared session store (Redis), connect included. Longer than the quota gate's
    /// (250 ms): the console is not on the request path, and a login refused because a busy Redis answered in 300 ms
    /// would be worse than a slow page.
    /// </summary>
    public TimeSpan SessionStoreTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Failed logins allowed per client address, and per key prefix, within <see cref="LoginFailureWindow"/>; then 429.</summary>
    public int LoginFailureLimit { get; init; } = 10;

    /// <summary>The sliding window failed logins are counted in.</summary>
    public TimeSpan LoginFailureWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Clock for session expiry, the login throttle and the diagnostics rate limit; the router's TimeProvider when null.</summary>
    public TimeProvider? Time { get; init; }
}
