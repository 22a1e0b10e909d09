using System.Collections.Frozen;
using System.Net.Sockets;
using System.Text;
using CsCheck;
using Daalu.Contracts;
using Daalu.Router.Forwarding;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

/// <summary>
/// The attempt loop's classification as a pure function, without a host. The upstream facts these follow:
/// vLLM answers an unknown model with 404 and <c>"The model `x` does not exist."</c> (vllm/entrypoints/openai/
/// serving_engine.py, <c>_check_model</c>); Anthropic's API answers 529 <c>overloaded_error</c> when overloaded and 429
/// <c>rate_limit_error</c> on rate limits (docs.anthropic.com, "Errors"); .NET's SocketsHttpHandler reports a refused
/// or failed connection as <c>HttpRequestException</c> with <c>HttpRequestError.ConnectionError</c> or
/// <c>NameResolutionError</c> (System.Net.Http, .NET 8+), and a cancelled token as <c>OperationCanceledException</c>.
/// </summary>
public sealed class AttemptClassifierTests
{
    private static readonly byte[] NoBody = [];

    [Fact]
    public void FromStatus_429_FallsThroughAsTooManyRequestsKeepingStatus()
    {
        var body = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}"u8.ToArray();
        var o = AttemptClassifier.FromStatus(429, body);
        Assert.Equal(AttemptOutcomeKind.Failed, o.Kind);
        Assert.Equal(FallThroughReasons.TooManyRequests, o.Reason);
        Assert.Equal(429, o.Status);
        Assert.Same(body, o.Body);
        Assert.Equal("upstream 429", o.Detail);
    }

    [Fact]
    public void FromStatus_529AnthropicOverloaded_ServerErrorKeepingStatus()
    {
        var o = AttemptClassifier.FromStatus(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"u8.ToArray());
        Assert.Equal(AttemptOutcomeKind.Failed, o.Kind);
        Assert.Equal(FallThroughReasons.ServerError, o.Reason);
        Assert.Equal(529, o.Status);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void FromStatus_5xx_ServerErrorKeepingStatus(int status)
    {
        var o = AttemptClassifier.FromStatus(status, NoBody);
        Assert.Equal(AttemptOutcomeKind.Failed, o.Kind);
        Assert.Equal(FallThroughReasons.ServerError, o.Reason);
        Assert.Equal(status, o.Status);
        Assert.Equal($"upstream {status}", o.Detail);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(407)]
    [InlineData(408)]
    public void FromStatus_OurKeyOrUpstreamTimeout_ServerErrorAs502(int status)
    {
        var o = AttemptClassifier.FromStatus(status, "{\"error\":{\"message\":\"bad key\"}}"u8.ToArray());
        Assert.Equal(AttemptOutcomeKind.Failed, o.Kind);
        Assert.Equal(FallThroughReasons.ServerError, o.Reason);
        Assert.Equal(502, o.Status);
    }

    [Fact]
    public void FromStatus_404NamingTheModel_ModelNotServed()
    {
        var body = Encoding.UTF8.GetBytes("{\"object\":\"error\",\"message\":\"The model `m-x` does not exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}");
        var o = AttemptClassifier.FromStatus(404, body);
        Assert.Equal(AttemptOutcomeKind.Failed, o.Kind);
        Assert.Equal(FallThroughReasons.ModelNotServed, o.Reason);
        Assert.Equal(404, o.Status);
    }

    [Fact]
    public void FromStatus_404WithoutModel_ClientError()
    {
        var o = AttemptClassifier.FromStatus(404, "{\"detail\":\"Not Found\"}"u8.ToArray());
        Assert.Equal(AttemptOutcomeKind.ClientError, o.Kind);
        Assert.Equal(404, o.Status);
        Assert.Null(o.Reason);
    }

    [Fact]
    public void FromStatus_400_ClientErrorCarriesTheUpstreamBody()
    {
        var body = "{\"object\":\"error\",\"message\":\"max_tokens too large\",\"type\":\"BadRequestError\",\"code\":400}"u8.ToArray();
        var o = AttemptClassifier.FromStatus(400, body);
        Assert.Equal(AttemptOutcomeKind.ClientError, o.Kind);
        Assert.Equal(400, o.Status);
        Assert.Same(body, o.Body);
    }

    [Fact]
    public void FromStatus_Any4xxOr5xx_ClientErrorKeepsStatusAndFailureIsAnUpstreamStatusOr502()
    {
        Gen.Int[400, 599].Sample(status =>
        {
            var o = AttemptClassifier.FromStatus(status, NoBody);
            return o.Kind switch
            {
                AttemptOutcomeKind.ClientError => status is >= 400 and < 500 and not (401 or 403 or 407 or 408 or 429) && o.Status == status,
                AttemptOutcomeKind.Failed => o.Reason is not null && (o.Status == status || o.Status == 502) && !(o.Status == 502 && status is >= 400 and < 500 and not (401 or 403 or 407 or 408)),
                _ => false,
            };
        });
    }

    [Fact]
    public void FromSendFailure_ClientAborted_CancelledEvenWhenTheTimeoutAlsoFired()
    {
        var o = AttemptClassifier.FromSendFailure(new TaskCanceledException(), clientAborted: true, firstByteMs: 1000);
        Assert.Equal(AttemptOutcomeKind.Cancelled, o?.Kind);
    }

    [Fact]
    public void FromSendFailure_CancelledWithoutClientAbort_TimeoutAs504NamingTheLimit()
    {
        var o = AttemptClassifier.FromSendFailure(new TaskCanceledException(), clientAborted: false, firstByteMs: 2500)!.Value;
        Assert.Equal(AttemptOutcomeKind.Failed, o.Kind);
        Assert.Equal(FallThroughReasons.Timeout, o.Reason);
        Assert.Equal(504, o.Status);
        Assert.Equal("no response within 2500 ms", o.Detail);
    }

    [Fact]
    public void FromSendFailure_SocketRefused_ConnectError502()
    {
        var ex = new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused));
        var o = AttemptClassifier.FromSendFailure(ex, clientAborted: false, firstByteMs: 1000)!.Value;
        Assert.Equal(FallThroughReasons.ConnectError, o.Reason);
        Assert.Equal(502, o.Status);
        Assert.Equal("connection failed", o.Detail);
    }

    [Fact]
    public void FromSendFailure_ConnectTimeout_ConnectError()
    {
        var ex = new HttpRequestException("connect timed out", new ConnectTimeoutException("250 ms"));
        Assert.Equal(FallThroughReasons.ConnectError, AttemptClassifier.FromSendFailure(ex, false, 1000)!.Value.Reason);
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError)]
    [InlineData(HttpRequestError.NameResolutionError)]
    public void FromSendFailure_HandlerConnectErrors_ConnectError(HttpRequestError error)
    {
        var ex = new HttpRequestException(error, "no connection");
        Assert.Equal(FallThroughReasons.ConnectError, AttemptClassifier.FromSendFailure(ex, false, 1000)!.Value.Reason);
    }

    [Fact]
    public void FromSendFailure_ProtocolError_ServerError502()
    {
        var ex = new HttpRequestException(HttpRequestError.InvalidResponse, "bad status line");
        var o = AttemptClassifier.FromSendFailure(ex, false, 1000)!.Value;
        Assert.Equal(FallThroughReasons.ServerError, o.Reason);
        Assert.Equal(502, o.Status);
        Assert.Equal("upstream protocol error", o.Detail);
    }

    [Fact]
    public void FromSendFailure_NotAnUpstreamFailure_NullSoItPropagates()
    {
        Assert.Null(AttemptClassifier.FromSendFailure(new InvalidOperationException("bug"), false, 1000));
    }

    [Fact]
    public void FromBodyReadFailure_ClientAborted_Cancelled()
    {
        Assert.Equal(AttemptOutcomeKind.Cancelled, AttemptClassifier.FromBodyReadFailure(new OperationCanceledException(), clientAborted: true)?.Kind);
    }

    [Fact]
    public void FromBodyReadFailure_TimedOutOrBroken_FailureThatMayStillFallThrough()
    {
        var timedOut = AttemptClassifier.FromBodyReadFailure(new OperationCanceledException(), clientAborted: false)!.Value;
        var broken = AttemptClassifier.FromBodyReadFailure(new IOException("reset"), clientAborted: false)!.Value;
        Assert.Equal((FallThroughReasons.Timeout, 502, "response body failed"), (timedOut.Reason, timedOut.Status, timedOut.Detail));
        Assert.Equal((FallThroughReasons.ServerError, 502, "response body failed"), (broken.Reason, broken.Status, broken.Detail));
        Assert.Null(AttemptClassifier.FromBodyReadFailure(new FormatException(), false));
    }

    [Fact]
    public void FromRelay_FinishedOrFailedBeforeFirstByte_StreamedOrFailed502()
    {
        Assert.Equal(AttemptOutcomeKind.Streamed, AttemptClassifier.FromRelay(null).Kind);
        var o = AttemptClassifier.FromRelay((FallThroughReasons.Timeout, "no first event in time"));
        Assert.Equal((AttemptOutcomeKind.Failed, FallThroughReasons.Timeout, 502, "no first event in time"), (o.Kind, o.Reason, o.Status, o.Detail));
    }

    [Theory]
    [InlineData(FallThroughReasons.ConnectError, true)]
    [InlineData(FallThroughReasons.Timeout, true)]
    [InlineData(FallThroughReasons.ServerError, true)]
    [InlineData(FallThroughReasons.TooManyRequests, false)]
    [InlineData(FallThroughReasons.ModelNotServed, false)]
    [InlineData(FallThroughReasons.QuotaExceeded, false)]
    public void TripsBreaker_Reason_OnlyAnUnwellUpstreamCounts(string reason, bool trips)
    {
        Assert.Equal(trips, AttemptClassifier.TripsBreaker(reason));
    }

    [Fact]
    public void FallsThrough_FailedWithListedReason_True()
    {
        var on = new[] { FallThroughReasons.ServerError }.ToFrozenSet(StringComparer.Ordinal);
        Assert.True(AttemptClassifier.FallsThrough(AttemptClassifier.FromStatus(503, NoBody), on));
        Assert.False(AttemptClassifier.FallsThrough(AttemptClassifier.FromStatus(429, NoBody), on));
    }

    [Fact]
    public void FallsThrough_AnythingButFailed_FalseEvenWhenEveryReasonIsListed()
    {
        var all = new[] { FallThroughReasons.ConnectError, FallThroughReasons.Timeout, FallThroughReasons.ServerError, FallThroughReasons.TooManyRequests, FallThroughReasons.ModelNotServed, FallThroughReasons.QuotaExceeded }.ToFrozenSet(StringComparer.Ordinal);
        Assert.False(AttemptClassifier.FallsThrough(AttemptClassifier.FromStatus(400, NoBody), all));
        Assert.False(AttemptClassifier.FallsThrough(AttemptOutcome.Committed("{}"u8.ToArray(), 3, 4, false), all));
        Assert.False(AttemptClassifier.FallsThrough(AttemptOutcome.Streamed, all));
        Assert.False(AttemptClassifier.FallsThrough(AttemptOutcome.Cancelled, all));
        Assert.False(AttemptClassifier.FallsThrough(AttemptOutcome.Untranslatable("no image support"), all));
    }
}
