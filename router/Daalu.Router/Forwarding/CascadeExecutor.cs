using System.Buffers;
using System.Net.Sockets;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Daalu.Router.Backends;
using Daalu.Router.Observability;
using Daalu.Router.Planning;
using Daalu.Router.Translation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Daalu.Router.Forwarding;

/// <summary>
/// Runs a plan: one attempt per candidate until one answers. Falls through only before the first byte reaches the
/// client; after that a failure becomes an in-band SSE error (never a clean [DONE]). Reserves hosted quota before a
/// hosted attempt, settles or releases it on every path, and meters every successful or partially streamed call.
/// </summary>
public sealed class CascadeExecutor(UpstreamClient upstream, BackendRegistry registry, IQuotaGate quota, IMeteringSink meter, CallsInFlight callsInFlight, RouterMetrics metrics, TimeProvider time, ILogger<CascadeExecutor> log)
{
    private readonly SseRelay _relay = new(time, metrics, log, new CallMeter(quota, meter, metrics, time, log));

    private CallMeter Metering => _relay.Meter;

    /// <summary>Serves the call described by <paramref name="rc"/>.</summary>
    public Task ExecuteAsync(HttpContext ctx, RouteContext rc)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(rc);
        callsInFlight.Started();
        return ExecuteCascadeAsync(ctx, rc);
    }

    // Counted in flight from ExecuteAsync until this finishes, whichever way: the finally is in this frame rather than
    // in an async wrapper around it, which would cost a state machine and a continuation per call.
    private async Task ExecuteCascadeAsync(HttpContext ctx, RouteContext rc)
    {
        try
        {
            var route = new List<string>(rc.Plan.Candidates.Count);
            var policy = rc.Tenant.Policy;
            Admission? lastRefusal = null;
            // Capacity that exists but could not serve (down, failing, circuit open, saturated). When there is any,
            // an exhausted cascade is a 503 even if the hosted pool also refused on quota: the quota is not the
            // whole story, and the client should retry later rather than treat it as a billing problem.
            var unavailable = rc.Plan.Skipped.Any(s => s.Reason is SkipReasons.CircuitOpen or SkipReasons.Saturated);
            var attemptNo = 0;
            // Backends that exist but were left out for want of capacity are part of the route (where they would have
            // been tried), so a call that lands on Hosted says why the own GPU did not take it.
            var unusable = new Queue<Skip>(rc.Plan.Skipped.Where(s => s.Reason is SkipReasons.CircuitOpen or SkipReasons.Saturated or SkipReasons.Unreachable));
            foreach (var cand in rc.Plan.Candidates)
            {
                if (ctx.RequestAborted.IsCancellationRequested)
                {
                    return;
                }

                ListUnusable(unusable, route, rc.Plan.Tiers, cand.Tier);
                attemptNo++;
                var rt = registry.Get(cand.Name);
                if (!rt.Breaker.TryAcquire())
                {
                    route.Add($"{cand.Tier}:{cand.Name}={SkipReasons.CircuitOpen}");
                    unavailable = true;
                    continue;
                }

                Reservation? reservation = null;
                if (cand.Tier == TierNames.Hosted && rc.Tenant.Plan is { } plan)
                {
                    var tokens = rc.Request.PromptTokenEstimate + (rc.Request.MaxTokens ?? plan.DefaultMaxTokens);
                    var adm = await quota.ReserveAsync(plan, tokens, ctx.RequestAborted);
                    if (!adm.Admitted)
                    {
                        rt.Breaker.RecordNeutral();
                        metrics.QuotaRefusals.WithLabels(adm.RefusalReason ?? "unknown").Inc();
                        metrics.FallThroughs.WithLabels(cand.Tier, FallThroughReasons.QuotaExceeded).Inc();
                        route.Add(adm.RefusalReason is null or FallThroughReasons.QuotaExceeded
                            ? $"{cand.Tier}:{cand.Name}={FallThroughReasons.QuotaExceeded}"
                            : $"{cand.Tier}:{cand.Name}={FallThroughReasons.QuotaExceeded}({adm.RefusalReason})");
                        lastRefusal = adm;
                        if (!policy.FallThroughOn.Contains(FallThroughReasons.QuotaExceeded))
                        {
                            break;
                        }

                        continue;
                    }

                    lastRefusal = null;
                    reservation = adm.Reservation;
                }

                var attempt = new Attempt(rc, cand, attemptNo, reservation, route);
                var loadTokens = LoadBalancing.LoadTracker.ExpectedTokens(rc.Request.PromptTokenEstimate, rc.Request.MaxTokens);
                rt.Enter();
                rt.Load.Enter(loadTokens);
                try
                {
                    using var activity = RouterTracing.Source.StartActivity("attempt");
                    activity?.SetTag("daalu.tier", cand.Tier);
                    activity?.SetTag("daalu.backend", cand.Name);
                    activity?.SetTag("daalu.attempt", attemptNo);
                    var outcome = await AttemptAsync(ctx, attempt, rt);
                    if (outcome == AttemptOutcome.Done)
                    {
                        return;
                    }

                    unavailable = true;
                }
                finally
                {
                    rt.Exit();
                    rt.Load.Exit(loadTokens);
                    if (reservation is not null && !attempt.Settled)
                    {
                        await quota.ReleaseAsync(reservation, CancellationToken.None);
                    }
                }
            }

            ListUnusable(unusable, route, rc.Plan.Tiers, null);
            if (attemptNo == 0)
            {
                // Nothing was tried: every skip, with its reason, is the whole story.
                route.Clear();
                route.AddRange(rc.Plan.Skipped.Select(s => $"{s.Tier}:{s.Name}=skipped({s.Reason})"));
            }

            ResponseWriter.SetRouteHeaders(ctx, "none", "none", rc.Request.Model, route);
            var quotaIsWholeStory = lastRefusal is not null && !unavailable;
            metrics.Requests.WithLabels("none", rc.Plan.RequestClass, quotaIsWholeStory ? "quota" : "exhausted").Inc();
            var listing = route.Count == 0 ? "none" : string.Join(", ", route);
            if (quotaIsWholeStory && lastRefusal is { } refusal)
            {
                await ResponseWriter.WriteErrorAsync(ctx, rc.Request.Dialect, 429, "insufficient_quota", "insufficient_quota", $"{refusal.Message} Attempts: {listing}");
            }
            else
            {
                await ResponseWriter.WriteErrorAsync(ctx, rc.Request.Dialect, 503, "service_unavailable", "no_backend_available", $"No tier could serve the request. Attempts: {listing}");
            }
        }
        finally
        {
            callsInFlight.Finished();
        }
    }

    // Moves the capacity skips of tiers up to and including `tier` (all of them when null) into the route, in plan order.
    private static void ListUnusable(Queue<Skip> unusable, List<string> route, IReadOnlyList<string> tiers, string? tier)
    {
        var upTo = tier is null ? int.MaxValue : IndexOf(tiers, tier);
        while (unusable.TryPeek(out var s) && IndexOf(tiers, s.Tier) <= upTo)
        {
            route.Add($"{s.Tier}:{s.Name}={s.Reason}");
            unusable.Dequeue();
        }
    }

    private static int IndexOf(IReadOnlyList<string> tiers, string tier)
    {
        for (var i = 0; i < tiers.Count; i++)
        {
            if (tiers[i] == tier)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private async Task<AttemptOutcome> StreamAsync(HttpContext ctx, Attempt a, BackendRuntime rt, HttpResponseMessage resp, CancellationTokenSource firstByte, AnthropicStreamTranslator? translator)
    {
        // The relay commits, meters and reports a broken stream itself; before the first byte it only says why it failed.
        var failed = await _relay.RelayAsync(ctx, a, rt, resp, firstByte, translator);
        return failed is { } f ? await FailAsync(ctx, a, rt, f.Reason, f.Detail, 502, null) : AttemptOutcome.Done;
    }

    private async Task<AttemptOutcome> AttemptAsync(HttpContext ctx, Attempt a, BackendRuntime rt)
    {
        var rc = a.Rc;
        var cand = a.Cand;
        var timeouts = rc.Tenant.Policy.Config.Timeouts;
        var outbound = OutboundDialects.For(cand);
        HttpRequestMessage req;
        AnthropicStreamTranslator? translator;
        try
        {
            req = outbound.Build(rc, cand, time, out translator);
        }
        catch (TranslationException ex)
        {
            rt.Breaker.RecordNeutral();
            a.Route.Add($"{cand.Tier}:{cand.Name}=untranslatable");
            ResponseWriter.SetRouteHeaders(ctx, cand.Tier, cand.Name, cand.UpstreamModel, a.Route);
            await ResponseWriter.WriteErrorAsync(ctx, rc.Request.Dialect, 400, "invalid_request_error", "untranslatable_request", ex.Message);
            return AttemptOutcome.Done;
        }

        if (timeouts.ConnectMs != UpstreamClient.DefaultConnectTimeoutMs)
        {
            // Only a non-default timeout is carried: setting any option allocates the request's options dictionary.
            req.Options.Set(UpstreamClient.ConnectTimeoutMs, timeouts.ConnectMs);
        }
        using var _ = req;
        using var firstByte = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        firstByte.CancelAfter(timeouts.FirstByteMs);
        a.SentTimestamp = time.GetTimestamp();
        HttpResponseMessage resp;
        try
        {
            resp = await upstream.Invoker.SendAsync(req, firstByte.Token);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            rt.Breaker.RecordNeutral();
            return AttemptOutcome.Done;
        }
        catch (OperationCanceledException)
        {
            return await FailAsync(ctx, a, rt, FallThroughReasons.Timeout, $"no response within {timeouts.FirstByteMs} ms", 504, null);
        }
        catch (HttpRequestException ex) when (IsConnectFailure(ex))
        {
            return await FailAsync(ctx, a, rt, FallThroughReasons.ConnectError, "connection failed", 502, null);
        }
        catch (HttpRequestException)
        {
            return await FailAsync(ctx, a, rt, FallThroughReasons.ServerError, "upstream protocol error", 502, null);
        }

        using (resp)
        {
            var status = (int)resp.StatusCode;
            if (status is >= 200 and < 300)
            {
                var isSse = resp.Content.Headers.ContentType?.MediaType == "text/event-stream";
                if (rc.Request.Stream && isSse)
                {
                    return await StreamAsync(ctx, a, rt, resp, firstByte, translator);
                }

                return await CopyJsonAsync(ctx, a, rt, resp, outbound, firstByte.Token);
            }

            byte[] errorBody;
            try
            {
                errorBody = await ReadLimitedAsync(resp, 64 * 1024, firstByte.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
            {
                errorBody = [];
            }

            if (status == 429 || status == 529)
            {
                return await FailAsync(ctx, a, rt, status == 429 ? FallThroughReasons.TooManyRequests : FallThroughReasons.ServerError, $"upstream {status}", status, errorBody);
            }

            if (status >= 500 || status is 401 or 403 or 407 or 408)
            {
                // 401/403 mean our key for that upstream is wrong, not that the request is: treat like an upstream failure.
                return await FailAsync(ctx, a, rt, FallThroughReasons.ServerError, $"upstream {status}", status >= 500 ? status : 502, errorBody);
            }

            if (status == 404 && errorBody.AsSpan().IndexOf("model"u8) >= 0)
            {
                return await FailAsync(ctx, a, rt, FallThroughReasons.ModelNotServed, "upstream does not serve the model", 404, errorBody);
            }

            // A 4xx caused by the request itself goes back to the caller and does not cascade.
            rt.Breaker.RecordSuccess();
            a.Route.Add($"{cand.Tier}:{cand.Name}=client_error({status})");
            ResponseWriter.SetRouteHeaders(ctx, cand.Tier, cand.Name, cand.UpstreamModel, a.Route);
            metrics.Requests.WithLabels(cand.Tier, rc.Plan.RequestClass, "client_error").Inc();
            await ResponseWriter.WriteErrorBodyAsync(ctx, rc.Request.Dialect, status, outbound.ToOpenAIError(errorBody, status));
            return AttemptOutcome.Done;
        }
    }

    private async Task<AttemptOutcome> FailAsync(HttpContext ctx, Attempt a, BackendRuntime rt, string reason, string detail, int status, byte[]? body)
    {
        var cb = a.Rc.Tenant.Policy.Config.CircuitBreaker;
        if (reason is FallThroughReasons.ConnectError or FallThroughReasons.Timeout or FallThroughReasons.ServerError)
        {
            rt.Breaker.RecordFailure(cb.ConsecutiveFailures, TimeSpan.FromSeconds(cb.OpenSeconds));
        }
        else
        {
            rt.Breaker.RecordNeutral();
        }

        metrics.FallThroughs.WithLabels(a.Cand.Tier, reason).Inc();
        a.Route.Add($"{a.Cand.Tier}:{a.Cand.Name}={reason}");
        ForwardingLog.AttemptFailed(log, a.Rc.RequestId, a.Number, a.Cand.Tier, a.Cand.Name, reason, detail);
        if (a.Rc.Tenant.Policy.FallThroughOn.Contains(reason))
        {
            return AttemptOutcome.FallThrough;
        }

        // The policy says this failure does not fall through: the caller gets it.
        ResponseWriter.SetRouteHeaders(ctx, a.Cand.Tier, a.Cand.Name, a.Cand.UpstreamModel, a.Route);
        metrics.Requests.WithLabels(a.Cand.Tier, a.Rc.Plan.RequestClass, "upstream_error").Inc();
        if (body is { Length: > 0 } && OutboundDialects.For(a.Cand).PassesErrorBodies)
        {
            await ResponseWriter.WriteErrorBodyAsync(ctx, a.Rc.Request.Dialect, status, OpenAIChatOutbound.NormalizeError(body, status));
        }
        else
        {
            await ResponseWriter.WriteErrorAsync(ctx, a.Rc.Request.Dialect, status, "upstream_error", reason, $"{a.Cand.Tier} {a.Cand.Name}: {detail}");
        }

        return AttemptOutcome.Done;
    }

    private async Task<AttemptOutcome> CopyJsonAsync(HttpContext ctx, Attempt a, BackendRuntime rt, HttpResponseMessage resp, IOutboundDialect outbound, CancellationToken ct)
    {
        byte[] body;
        try
        {
            body = await ReadLimitedAsync(resp, 64 * 1024 * 1024, ct);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            rt.Breaker.RecordNeutral();
            return AttemptOutcome.Done;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // Nothing reached the client yet, so this still falls through.
            return await FailAsync(ctx, a, rt, ex is OperationCanceledException ? FallThroughReasons.Timeout : FallThroughReasons.ServerError, "response body failed", 502, null);
        }

        long pin, pout;
        bool hasUsage;
        try
        {
            body = outbound.ToChatCompletion(body, a.Rc, time);
        }
        catch (Exception ex) when (ex is JsonException or TranslationException or InvalidOperationException)
        {
            return await FailAsync(ctx, a, rt, FallThroughReasons.ServerError, "unreadable provider response", 502, null);
        }

        UsageScanner.TryScan(body, out pin, out pout, out hasUsage, out _);
        if (a.Rc.Request.Dialect is { } dialect)
        {
            try
            {
                body = dialect.FromChatCompletion(body);
            }
            catch (Exception ex) when (ex is JsonException or TranslationException or InvalidOperationException)
            {
                return await FailAsync(ctx, a, rt, FallThroughReasons.ServerError, "unreadable upstream response", 502, null);
            }
        }
        a.TtftMs = time.GetElapsedTime(a.SentTimestamp).TotalMilliseconds;
        rt.Breaker.RecordSuccess();
        a.Route.Add($"{a.Cand.Tier}:{a.Cand.Name}=ok");
        ResponseWriter.SetRouteHeaders(ctx, a.Cand.Tier, a.Cand.Name, a.Cand.UpstreamModel, a.Route);
        ResponseWriter.BeginJson(ctx, body.Length);

        // Metered before the client gets the answer: a crash (SIGKILL) after the client saw a success must not lose
        // its record. The answer was produced, so it is billed even if the client leaves while it is written.
        await Metering.CompleteAsync(a, hasUsage ? pin : a.Rc.Request.PromptTokenEstimate, hasUsage ? pout : 0, !hasUsage, partial: false);
        try
        {
            await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }

        return AttemptOutcome.Done;
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage resp, int limit, CancellationToken ct)
    {
        await using var s = await resp.Content.ReadAsStreamAsync(ct);
        if (resp.Content.Headers.ContentLength is { } length && length <= limit)
        {
            // The usual answer (vLLM sends Content-Length): read it straight into its array, with no growing copy. The
            // handler's stream ends at Content-Length (and hands the connection back there); a short body is an
            // EndOfStreamException, an IOException like any other broken body.
            var body = new byte[length];
            await s.ReadExactlyAsync(body, ct);
            return body;
        }

        using var ms = new MemoryStream();
        var buf = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int n;
            while ((n = await s.ReadAsync(buf, ct)) > 0)
            {
                ms.Write(buf, 0, n);
                if (ms.Length > limit)
                {
                    throw new IOException("upstream body too large");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }

        return ms.ToArray();
    }

    private static bool IsConnectFailure(HttpRequestException ex) =>
        ex.InnerException is SocketException or ConnectTimeoutException || ex.HttpRequestError == HttpRequestError.ConnectionError || ex.HttpRequestError == HttpRequestError.NameResolutionError;
}
