namespace Daalu.Router.WebConsole.Live;

/// <summary>
/// The console's live view of one backend: the router's own state (reachability, circuit, in-flight calls, detected
/// models) and the engine's /metrics (KV cache, running and waiting requests, tokens/s, mean TTFT).
/// </summary>
internal sealed record BackendLive(
    string Name,
    string Tier,
    string? Tenant,
    bool Shared,
    bool? Reachable,
    string Circuit,
    int InFlight,
    IReadOnlyList<string> Models,
    double? KvCacheUsage,
    double? Running,
    double? Waiting,
    double? TokensPerSecond,
    double? MeanTtftMs,
    bool HasHardwareExporter,
    string? MetricsError);
