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
/// Runs a plan: one attempt per candidate until one answers. Each attempt returns an <see cref="AttemptOutcome"/>
/// (classified by the pure <see cref="AttemptClassifier"/>) and writes nothing; the loop records it (breaker, route,
/// metrics, log), continues when the policy lets a failure fall through, and otherwise reports it once
/// (<c>ReportAsync</c>, or <c>ReportExhaustedAsync</c> when no candidate is left), through <see cref="ResponseWriter"/>.
/// Falls through only before the first byte reaches the client; after that a failure becomes an in-band SSE error
/// (never a clean [DONE]) written by the relay. Reserves hosted quota before a hosted attempt, settles or releases it
/// on every path, and meters every successful or partially streamed call.
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
                var ticket = rt.Load.Enter(loadTokens, rc.Request.PromptTokenEstimate, rc.Plan.Prefix);
                attempt.LoadTicket = ticket;
                try
                {
                    using var activity = RouterTracing.Source.StartActivity("attempt");
                    activity?.SetTag("daalu.tier", cand.Tier);
                    activity?.SetTag("daalu.backend", cand.Name);
                    activity?.SetTag("daalu.attempt", attemptNo);
                    var outcome = await AttemptAsync(ctx, attempt, rt);
                    Record(attempt, rt, outcome);
                    if (AttemptClassifier.FallsThrough(outcome, policy.FallThroughOn))
                    {
                        unavailable = true;
                        continue;
                    }

                    // Inside the try: a committed answer is metered (settling its reservation) before the finally
                    // would release it.
                    await ReportAsync(ctx, attempt, outcome);
                    return;
                }
                finally
                {
                    rt.Exit();
                    rt.Load.Exit(ticket);
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

            await ReportExhaustedAsync(ctx, rc, route, lastRefusal, unavailable);
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

    // One attempt: build, send, read. Returns what happened and writes nothing, except a stream the relay commits
    // (its first event is the commitment, and the relay finishes it).
    private async Task<AttemptOutcome> AttemptAsync(HttpContext ctx, Attempt a, BackendRuntime rt)
    {
        var rc = a.Rc;
        var timeouts = rc.Tenant.Policy.Config.Timeouts;
        var outbound = OutboundDialects.For(a.Cand, rc.Request);
        HttpRequestMessage req;
        AnthropicStreamTranslator? translator;
        try
        {
            req = outbound.Build(rc, a.Cand, time, out translator);
        }
        catch (TranslationException ex)
        {
            return AttemptOutcome.Untranslatable(ex.Message);
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
        AttemptOutcome? sendFailure = null;
        try
        {
            resp = await upstream.Invoker.SendAsync(req, firstByte.Token);
        }
        catch (Exception ex) when ((sendFailure = AttemptClassifier.FromSendFailure(ex, ctx.RequestAborted.IsCancellationRequested, timeouts.FirstByteMs)) is not null)
        {
            return sendFailure.Value;
        }

        using (resp)
        {
            var status = (int)resp.StatusCode;
            if (status is >= 200 and < 300)
            {
                var isSse = resp.Content.Headers.ContentType?.MediaType == "text/event-stream";
                if (rc.Request.Stream && isSse)
                {
                    // The relay commits, meters and reports a broken stream itself; before the first byte it only says why it failed.
                    return AttemptClassifier.FromRelay(await _relay.RelayAsync(ctx, a, rt, resp, firstByte, translator, outbound.AnswersInClientApi));
                }

                return await ReadJsonAsync(ctx, a, resp, outbound, firstByte.Token);
            }

            byte[] errorBody;
            try
            {
                errorBody = await UpstreamBody.ReadLimitedAsync(resp, AttemptClassifier.ErrorBodyLimit, firstByte.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
            {
                errorBody = [];
            }

            return AttemptClassifier.FromStatus(status, errorBody);
        }
    }

    // A 2xx JSON answer, read and translated into the client's API with its usage; nothing is written here.
    private async Task<AttemptOutcome> ReadJsonAsync(HttpContext ctx, Attempt a, HttpResponseMessage resp, IOutboundDialect outbound, CancellationToken ct)
    {
        byte[] body;
        AttemptOutcome? readFailure = null;
        try
        {
            body = await UpstreamBody.ReadLimitedAsync(resp, AttemptClassifier.AnswerBodyLimit, ct);
        }
        catch (Exception ex) when ((readFailure = AttemptClassifier.FromBodyReadFailure(ex, ctx.RequestAborted.IsCancellationRequested)) is not null)
        {
            return readFailure.Value;
        }

        try
        {
            body = outbound.ToChatCompletion(body, a.Rc, time);
        }
        catch (Exception ex) when (ex is JsonException or TranslationException or InvalidOperationException)
        {
            return AttemptOutcome.Failed(FallThroughReasons.ServerError, "unreadable provider response", 502);
        }

        UsageScanner.TryScan(body, out var pin, out var pout, out var hasUsage, out _);
        if (a.Rc.Request.Dialect is { } dialect && !outbound.AnswersInClientApi)
        {
            try
            {
                body = dialect.FromChatCompletion(body);
            }
            catch (Exception ex) when (ex is JsonException or TranslationException or InvalidOperationException)
            {
                return AttemptOutcome.Failed(FallThroughReasons.ServerError, "unreadable upstream response", 502);
            }
        }

        a.TtftMs = time.GetElapsedTime(a.SentTimestamp).TotalMilliseconds;
        return AttemptOutcome.Committed(body, hasUsage ? pin : a.Rc.Request.PromptTokenEstimate, hasUsage ? pout : 0, !hasUsage);
    }

    // What an outcome does to the breaker, the route, the fall-through metric and the log, whether or not it falls
    // through. Writes nothing.
    private void Record(Attempt a, BackendRuntime rt, in AttemptOutcome outcome)
    {
        var cand = a.Cand;
        switch (outcome.Kind)
        {
            case AttemptOutcomeKind.Committed:
                rt.Breaker.RecordSuccess();
                a.Route.Add($"{cand.Tier}:{cand.Name}=ok");
                break;
            case AttemptOutcomeKind.ClientError:
                // The upstream is healthy: the request was at fault.
                rt.Breaker.RecordSuccess();
                a.Route.Add($"{cand.Tier}:{cand.Name}=client_error({outcome.Status})");
                break;
            case AttemptOutcomeKind.Untranslatable:
                rt.Breaker.RecordNeutral();
                a.Route.Add($"{cand.Tier}:{cand.Name}=untranslatable");
                break;
            case AttemptOutcomeKind.Cancelled:
                rt.Breaker.RecordNeutral();
                break;
            case AttemptOutcomeKind.Failed:
                var reason = outcome.Reason!;
                if (AttemptClassifier.TripsBreaker(reason))
                {
                    var cb = a.Rc.Tenant.Policy.Config.CircuitBreaker;
                    rt.Breaker.RecordFailure(cb.ConsecutiveFailures, TimeSpan.FromSeconds(cb.OpenSeconds));
                }
                else
                {
                    rt.Breaker.RecordNeutral();
                }

                metrics.FallThroughs.WithLabels(cand.Tier, reason).Inc();
                a.Route.Add($"{cand.Tier}:{cand.Name}={reason}");
                ForwardingLog.AttemptFailed(log, a.Rc.RequestId, a.Number, cand.Tier, cand.Name, reason, outcome.Detail!);
                break;
            case AttemptOutcomeKind.Streamed:
                // The relay recorded its own outcome.
                break;
        }
    }

    // The one place an attempt that stops the cascade is written: status, route headers, and the answer or error in
    // the client's API. A committed JSON answer is metered before the client gets it: a crash (SIGKILL) after the
    // client saw a success must not lose its record, and it is billed even if the client leaves while it is written.
    private async Task ReportAsync(HttpContext ctx, Attempt a, AttemptOutcome outcome)
    {
        var rc = a.Rc;
        var cand = a.Cand;
        switch (outcome.Kind)
        {
            case AttemptOutcomeKind.Committed:
                ResponseWriter.SetRouteHeaders(ctx, cand.Tier, cand.Name, cand.UpstreamModel, a.Route);
                ResponseWriter.BeginJson(ctx, outcome.Body!.Length);
                await Metering.CompleteAsync(a, outcome.PromptTokens, outcome.CompletionTokens, outcome.Estimated, partial: false);
                await ResponseWriter.WriteBodyBestEffortAsync(ctx, outcome.Body);
                return;
            case AttemptOutcomeKind.ClientError:
                // A 4xx caused by the request itself goes back to the caller and does not cascade.
                ResponseWriter.SetRouteHeaders(ctx, cand.Tier, cand.Name, cand.UpstreamModel, a.Route);
                metrics.Requests.WithLabels(cand.Tier, rc.Plan.RequestClass, "client_error").Inc();
                await ResponseWriter.WriteErrorBodyAsync(ctx, rc.Request.Dialect, outcome.Status, OutboundDialects.For(cand, rc.Request).ToOpenAIError(outcome.Body!, outcome.Status));
                return;
            case AttemptOutcomeKind.Untranslatable:
                ResponseWriter.SetRouteHeaders(ctx, cand.Tier, cand.Name, cand.UpstreamModel, a.Route);
                await ResponseWriter.WriteErrorAsync(ctx, rc.Request.Dialect, outcome.Status, "invalid_request_error", "untranslatable_request", outcome.Detail!);
                return;
            case AttemptOutcomeKind.Failed:
                // The policy says this failure does not fall through: the caller gets it.
                ResponseWriter.SetRouteHeaders(ctx, cand.Tier, cand.Name, cand.UpstreamModel, a.Route);
                metrics.Requests.WithLabels(cand.Tier, rc.Plan.RequestClass, "upstream_error").Inc();
                if (outcome.Body is { Length: > 0 } body && OutboundDialects.For(cand, rc.Request).PassesErrorBodies)
                {
                    await ResponseWriter.WriteErrorBodyAsync(ctx, rc.Request.Dialect, outcome.Status, OpenAIChatOutbound.NormalizeError(body, outcome.Status));
                }
                else
                {
                    await ResponseWriter.WriteErrorAsync(ctx, rc.Request.Dialect, outcome.Status, "upstream_error", outcome.Reason, $"{cand.Tier} {cand.Name}: {outcome.Detail}");
                }

                return;
            default:
                // Streamed (the relay wrote and finished it) or Cancelled (the client is gone): nothing to write.
                return;
        }
    }

    // The cascade ran out of candidates (or the policy stopped it at a quota refusal): a 429 when the hosted quota is
    // the whole story, else a 503, with every attempt and skip in the route.
    private async Task ReportExhaustedAsync(HttpContext ctx, RouteContext rc, List<string> route, Admission? lastRefusal, bool unavailable)
    {
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
}
