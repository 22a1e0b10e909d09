using System.Net.Sockets;
using Daalu.Contracts;

namespace Daalu.Router.Forwarding;

/// <summary>
/// The attempt loop's decisions as pure functions: what an upstream status, a send or body failure, or a broken
/// stream means for the cascade (which <see cref="AttemptOutcome"/>), whether a failure counts against the breaker,
/// and whether the tenant's policy lets it fall through. No I/O, so each rule is tested without a host.
/// </summary>
internal static class AttemptClassifier
{
    /// <summary>The largest upstream error body read (and possibly passed back).</summary>
    public const int ErrorBodyLimit = 64 * 1024;

    /// <summary>The largest upstream JSON answer read.</summary>
    public const int AnswerBodyLimit = 64 * 1024 * 1024;

    /// <summary>
    /// A failure of <c>SendAsync</c> (no response headers): the client leaving is <see cref="AttemptOutcomeKind.Cancelled"/>,
    /// any other cancellation is the first-byte timeout (504), a connection that could not be made is ConnectError (502),
    /// any other HTTP failure is a protocol error (ServerError, 502). Returns null for exceptions that are not an
    /// upstream's failure (they propagate).
    /// </summary>
    public static AttemptOutcome? FromSendFailure(Exception ex, bool clientAborted, int firstByteMs)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex switch
        {
            OperationCanceledException when clientAborted => AttemptOutcome.Cancelled,
            OperationCanceledException => AttemptOutcome.Failed(FallThroughReasons.Timeout, $"no response within {firstByteMs} ms", 504),
            HttpRequestException h when IsConnectFailure(h) => AttemptOutcome.Failed(FallThroughReasons.ConnectError, "connection failed", 502),
            HttpRequestException => AttemptOutcome.Failed(FallThroughReasons.ServerError, "upstream protocol error", 502),
            _ => null,
        };
    }

    /// <summary>
    /// A non-2xx answer. 429 falls through as TooManyRequests and 529 (Anthropic "overloaded") as ServerError, both
    /// keeping their status; 5xx and 401/403/407/408 are the upstream's failure (our key for it, or it timed out), 502
    /// for the non-5xx; a 404 that mentions the model is ModelNotServed; any other 4xx was caused by the request and
    /// goes back to the caller as a <see cref="AttemptOutcomeKind.ClientError"/>.
    /// </summary>
    public static AttemptOutcome FromStatus(int status, byte[] errorBody)
    {
        ArgumentNullException.ThrowIfNull(errorBody);
        if (status is 429 or 529)
        {
            return AttemptOutcome.Failed(status == 429 ? FallThroughReasons.TooManyRequests : FallThroughReasons.ServerError, $"upstream {status}", status, errorBody);
        }

        if (status >= 500 || status is 401 or 403 or 407 or 408)
        {
            return AttemptOutcome.Failed(FallThroughReasons.ServerError, $"upstream {status}", status >= 500 ? status : 502, errorBody);
        }

        if (status == 404 && errorBody.AsSpan().IndexOf("model"u8) >= 0)
        {
            return AttemptOutcome.Failed(FallThroughReasons.ModelNotServed, "upstream does not serve the model", 404, errorBody);
        }

        return AttemptOutcome.ClientError(status, errorBody);
    }

    /// <summary>
    /// A 2xx JSON body that could not be read: the client leaving is Cancelled; otherwise nothing reached the client, so
    /// it is a failure that may still fall through (a cancellation is the first-byte timeout). Null for exceptions that
    /// propagate.
    /// </summary>
    public static AttemptOutcome? FromBodyReadFailure(Exception ex, bool clientAborted)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex switch
        {
            OperationCanceledException when clientAborted => AttemptOutcome.Cancelled,
            OperationCanceledException => AttemptOutcome.Failed(FallThroughReasons.Timeout, "response body failed", 502),
            IOException or HttpRequestException => AttemptOutcome.Failed(FallThroughReasons.ServerError, "response body failed", 502),
            _ => null,
        };
    }

    /// <summary>What the relay returned: null is a finished stream, a reason is a failure before the first byte (502).</summary>
    public static AttemptOutcome FromRelay((string Reason, string Detail)? failure) =>
        failure is { } f ? AttemptOutcome.Failed(f.Reason, f.Detail, 502) : AttemptOutcome.Streamed;

    /// <summary>Whether a failure's reason counts against the circuit breaker (the upstream is unwell) or is neutral.</summary>
    public static bool TripsBreaker(string reason) =>
        reason is FallThroughReasons.ConnectError or FallThroughReasons.Timeout or FallThroughReasons.ServerError;

    /// <summary>Whether the loop goes on to the next candidate: only a Failed outcome whose reason the policy lists.</summary>
    public static bool FallsThrough(in AttemptOutcome outcome, IReadOnlySet<string> fallThroughOn)
    {
        ArgumentNullException.ThrowIfNull(fallThroughOn);
        return outcome.Kind == AttemptOutcomeKind.Failed && fallThroughOn.Contains(outcome.Reason!);
    }

    private static bool IsConnectFailure(HttpRequestException ex) =>
        ex.InnerException is SocketException or ConnectTimeoutException || ex.HttpRequestError == HttpRequestError.ConnectionError || ex.HttpRequestError == HttpRequestError.NameResolutionError;
}
