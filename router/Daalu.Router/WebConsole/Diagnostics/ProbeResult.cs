namespace Daalu.Router.WebConsole.Diagnostics;

/// <summary>One synthetic probe through a card: what it serves, how long a tiny completion took, and its decode rate.</summary>
internal sealed record ProbeResult(
    string Backend,
    bool Ok,
    string? Error,
    IReadOnlyList<string> ServedModels,
    string? Model,
    double LatencyMs,
    long CompletionTokens,
    double? TokensPerSecond);
