namespace Daalu.Router.Forwarding;

/// <summary>
/// What one attempt returns to the cascade loop instead of writing the response itself (YARP's
/// <c>HttpForwarder.SendAsync</c> returns a <c>ForwarderError</c> value the same way, and one caller reports it:
/// dotnet/yarp src/ReverseProxy/Forwarder/HttpForwarder.cs, IForwarderErrorFeature.cs). The loop turns it into
/// "try the next candidate" or "stop", and <c>CascadeExecutor.ReportAsync</c> is the one place that writes it.
/// A struct: one is returned per attempt on the hot path.
/// </summary>
internal readonly record struct AttemptOutcome
{
    private AttemptOutcome(AttemptOutcomeKind kind, string? reason, string? detail, int status, byte[]? body, long promptTokens, long completionTokens, bool estimated)
    {
        Kind = kind;
        Reason = reason;
        Detail = detail;
        Status = status;
        Body = body;
        PromptTokens = promptTokens;
        CompletionTokens = completionTokens;
        Estimated = estimated;
    }

    /// <summary>How the attempt ended.</summary>
    public AttemptOutcomeKind Kind { get; }

    /// <summary>For <see cref="AttemptOutcomeKind.Failed"/>: the fall-through reason (a <c>FallThroughReasons</c> name).</summary>
    public string? Reason { get; }

    /// <summary>For Failed: what went wrong, for the log and the error message; for Untranslatable: the translator's message.</summary>
    public string? Detail { get; }

    /// <summary>The status the client gets if this outcome is written (Failed, ClientError, Untranslatable).</summary>
    public int Status { get; }

    /// <summary>Committed: the answer in the client's API; Failed/ClientError: the upstream's error body (may be empty).</summary>
    public byte[]? Body { get; }

    /// <summary>Committed: prompt tokens to bill.</summary>
    public long PromptTokens { get; }

    /// <summary>Committed: completion tokens to bill.</summary>
    public long CompletionTokens { get; }

    /// <summary>Committed: whether the counts are estimates (the upstream reported no usage).</summary>
    public bool Estimated { get; }

    /// <summary>A produced JSON answer with its billing facts.</summary>
    public static AttemptOutcome Committed(byte[] body, long promptTokens, long completionTokens, bool estimated) =>
        new(AttemptOutcomeKind.Committed, null, null, 200, body, promptTokens, completionTokens, estimated);

    /// <summary>A stream the relay committed and finished.</summary>
    public static AttemptOutcome Streamed { get; } = new(AttemptOutcomeKind.Streamed, null, null, 200, null, 0, 0, false);

    /// <summary>The client left before anything was committed.</summary>
    public static AttemptOutcome Cancelled { get; } = new(AttemptOutcomeKind.Cancelled, null, null, 0, null, 0, 0, false);

    /// <summary>An upstream failure before the first byte: <paramref name="status"/> is what the client gets if it does not fall through.</summary>
    public static AttemptOutcome Failed(string reason, string detail, int status, byte[]? body = null) =>
        new(AttemptOutcomeKind.Failed, reason, detail, status, body, 0, 0, false);

    /// <summary>The upstream's own 4xx for a bad request, with its error body.</summary>
    public static AttemptOutcome ClientError(int status, byte[] body) =>
        new(AttemptOutcomeKind.ClientError, null, null, status, body, 0, 0, false);

    /// <summary>The request has no form in the candidate's wire format.</summary>
    public static AttemptOutcome Untranslatable(string message) =>
        new(AttemptOutcomeKind.Untranslatable, null, message, 400, null, 0, 0, false);
}
