using Daalu.Contracts.Usage;
using Daalu.Router.WebConsole.Diagnostics;
using Daalu.Router.WebConsole.Live;
using Daalu.Router.WebConsole.Usage;

namespace Daalu.Router.WebConsole.Json;

/// <summary>GET /console/api/usage.</summary>
internal sealed record UsageAnswer(UsageReport Report, LatencySummary Latency);

/// <summary>GET /console/api/hardware.</summary>
internal sealed record HardwareAnswer(IReadOnlyList<HardwareView> Backends);

/// <summary>GET /console/api/backends.</summary>
internal sealed record BackendsAnswer(DateTimeOffset At, IReadOnlyList<BackendLive> Backends);

/// <summary>POST /console/api/diagnostics.</summary>
internal sealed record DiagnosticsAnswer(IReadOnlyList<ProbeResult> Results);

/// <summary>A refused console API call: <c>{"error": "..."}</c>.</summary>
internal sealed record ConsoleError(string Error);

/// <summary>A diagnostics run refused by the rate limit, with the seconds to wait.</summary>
internal sealed record RateLimitedError(string Error, double RetryAfterSeconds);
