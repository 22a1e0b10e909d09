using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Api.V1Alpha1;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Daalu.Router.Api;
using Daalu.Router.Backends;
using Daalu.Router.Observability;
using Daalu.Router.Planning;
using Daalu.Router.Translation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Daalu.Router.Forwarding;

/// <summary>
/// Runs a plan: one attempt per candidate until one answers. Falls through only before the first byte reaches the
/// client; after that a failure becomes an in-band SSE error (never a clean [DONE]). Reserves hosted quota before a
/// hosted attempt, settles or releases it on every path, and meters every successful or partially streamed call.
/// </summary>
public sealed partial class CascadeExecutor(UpstreamClient upstream, BackendRegistry registry, IQuotaGate quota, IMeteringSink meter, CallsInFlight callsInFlight, RouterMetrics metrics, TimeProvider time, ILogger<CascadeExecutor> log)
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

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

            SetRouteHeaders(ctx, "none", "none", rc.Request.Model, route);
            var quotaIsWholeStory = lastRefusal is not null && !unavailable;
            metrics.Requests.WithLabels("none", rc.Plan.RequestClass, quotaIsWholeStory ? "quota" : "exhausted").Inc();
            var listing = route.Count == 0 ? "none" : string.Join(", ", route);
            if (quotaIsWholeStory && lastRefusal is { } refusal)
            {
                await OpenAIError.WriteAsync(ctx, 429, "insufficient_quota", "insufficient_quota", $"{refusal.Message} Attempts: {listing}");
            }
            else
            {
                await OpenAIError.WriteAsync(ctx, 503, "service_unavailable", "no_backend_available", $"No tier could serve the request. Attempts: {listing}");
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

    private sealed class Attempt(RouteContext rc, Candidate cand, int number, Reservation? reservation, List<string> route)
    {
        public RouteContext Rc { get; } = rc;
        public Candidate Cand { get; } = cand;
        public int Number { get; } = number;
        public Reservation? Reservation { get; } = reservation;
        public List<string> Route { get; } = route;
        public bool Settled { get; set; }
        public long SentTimestamp { get; set; }
        public double TtftMs { get; set; }
    }

    private async Task<AttemptOutcome> AttemptAsync(HttpContext ctx, Attempt a, BackendRuntime rt)
    {
        var rc = a.Rc;
        var cand = a.Cand;
        var timeouts = rc.Tenant.Policy.Config.Timeouts;
        var anthropic = cand.Provider?.Config.ApiStyle == ApiStyles.Anthropic;
        HttpRequestMessage req;
        AnthropicStreamTranslator? translator = null;
        try
        {
            req = anthropic ? BuildAnthropic(rc, cand, out translator) : BuildOpenAI(rc, cand);
        }
        catch (TranslationException ex)
        {
            rt.Breaker.RecordNeutral();
            a.Route.Add($"{cand.Tier}:{cand.Name}=untranslatable");
            SetRouteHeaders(ctx, cand.Tier, cand.Name, cand.UpstreamModel, a.Route);
            await OpenAIError.WriteAsync(ctx, 400, "invalid_request_error", "untranslatable_request", ex.Message);
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

                return await CopyJsonAsync(ctx, a, rt, resp, anthropic, firstByte.Token);
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
            SetRouteHeaders(ctx, cand.Tier, cand.Name, cand.UpstreamModel, a.Route);
            metrics.Requests.WithLabels(cand.Tier, rc.Plan.RequestClass, "client_error").Inc();
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            var body = anthropic
                ? Encoding.UTF8.GetBytes(AnthropicResponseTranslator.ErrorToOpenAI(status, Encoding.UTF8.GetString(errorBody)).ToJsonString())
                : NormalizeError(errorBody, status);
            await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
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
        LogAttemptFailed(log, a.Rc.RequestId, a.Number, a.Cand.Tier, a.Cand.Name, reason, detail);
        if (a.Rc.Tenant.Policy.FallThroughOn.Contains(reason))
        {
            return AttemptOutcome.FallThrough;
        }

        // The policy says this failure does not fall through: the caller gets it.
        SetRouteHeaders(ctx, a.Cand.Tier, a.Cand.Name, a.Cand.UpstreamModel, a.Route);
        metrics.Requests.WithLabels(a.Cand.Tier, a.Rc.Plan.RequestClass, "upstream_error").Inc();
        if (body is { Length: > 0 } && a.Cand.Provider?.Config.ApiStyle != ApiStyles.Anthropic)
        {
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(NormalizeError(body, status), ctx.RequestAborted);
        }
        else
        {
            await OpenAIError.WriteAsync(ctx, status, "upstream_error", reason, $"{a.Cand.Tier} {a.Cand.Name}: {detail}");
        }

        return AttemptOutcome.Done;
    }

    private static HttpRequestMessage BuildOpenAI(RouteContext rc, Candidate cand)
    {
        var body = rc.Request.Body;
        var needsUsage = rc.Request.Stream && rc.Request.Features.Endpoint != RequestFeatures.Embeddings && !rc.Request.ClientWantsUsage;
        byte[] bytes;
        if (rc.Request.Raw is { } raw && string.Equals(cand.UpstreamModel, rc.Request.Model, StringComparison.Ordinal)
            && (!needsUsage || TryAddUsageOption(raw, body, out raw)))
        {
            // Nothing else to rewrite: forward the client's bytes (plus the usage option) instead of serialising the
            // parsed tree again.
            bytes = raw;
        }
        else
        {
            body["model"] = cand.UpstreamModel;
            if (needsUsage)
            {
                // Ask for usage upstream so streamed calls are metered exactly; the extra chunk is dropped since the client did not ask.
                var so = body["stream_options"] as JsonObject ?? [];
                so["include_usage"] = true;
                body["stream_options"] = so;
            }

            bytes = Serialize(body);
        }

        Uri url;
        string? key;
        if (cand.Backend is { } b)
        {
            url = UpstreamUris.For(b, b.Url, rc.Path);
            rc.Snapshot.BackendKeys.TryGetValue(b.Name, out key);
        }
        else
        {
            // A provider's base URL already ends in its version ("https://api.openai.com/v1").
            var config = cand.Provider!.Config;
            url = UpstreamUris.For(config, config.BaseUrl, rc.Path switch
            {
                "/v1/chat/completions" => "/chat/completions",
                "/v1/completions" => "/completions",
                "/v1/embeddings" => "/embeddings",
                _ => rc.Path["/v1".Length..],
            });
            key = cand.Provider.ApiKey;
        }

        var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (key is not null)
        {
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        req.Headers.TryAddWithoutValidation("X-Request-Id", rc.RequestId);
        return req;
    }

    private static readonly byte[] UsageOption = ",\"stream_options\":{\"include_usage\":true}"u8.ToArray();

    // Appends "stream_options":{"include_usage":true} to the client's JSON object when it has no stream_options of its
    // own (the parser has checked the bytes are one valid JSON object, so the last non-space byte is its '}').
    private static bool TryAddUsageOption(byte[] raw, JsonObject body, out byte[] spliced)
    {
        spliced = raw;
        var end = raw.AsSpan().LastIndexOf((byte)'}');
        if (body.ContainsKey("stream_options") || end < 0)
        {
            return false;
        }

        var option = body.Count == 0 ? UsageOption.AsSpan(1) : UsageOption;
        spliced = new byte[raw.Length + option.Length];
        raw.AsSpan(0, end).CopyTo(spliced);
        option.CopyTo(spliced.AsSpan(end));
        raw.AsSpan(end).CopyTo(spliced.AsSpan(end + option.Length));
        return true;
    }

    private HttpRequestMessage BuildAnthropic(RouteContext rc, Candidate cand, out AnthropicStreamTranslator? translator)
    {
        var p = cand.Provider!;
        var msg = AnthropicRequestTranslator.ToAnthropic(rc.Request.Body, cand.UpstreamModel, p.Config.DefaultMaxTokens);
        if (rc.Request.Stream)
        {
            msg["stream"] = true;
        }

        translator = rc.Request.Stream ? new AnthropicStreamTranslator(rc.Request.Model, time.GetUtcNow().ToUnixTimeSeconds(), rc.Request.ClientWantsUsage) : null;
        var req = new HttpRequestMessage(HttpMethod.Post, UpstreamUris.For(p.Config, p.Config.BaseUrl, "/v1/messages")) { Content = new ByteArrayContent(Serialize(msg)) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        req.Headers.TryAddWithoutValidation("x-api-key", p.ApiKey);
        req.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        req.Headers.TryAddWithoutValidation("X-Request-Id", rc.RequestId);
        return req;
    }

    private async Task<AttemptOutcome> CopyJsonAsync(HttpContext ctx, Attempt a, BackendRuntime rt, HttpResponseMessage resp, bool anthropic, CancellationToken ct)
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
        if (anthropic)
        {
            try
            {
                var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 128 }) as JsonObject
                    ?? throw new JsonException("not an object");
                var oa = AnthropicResponseTranslator.ToOpenAI(node, a.Rc.Request.Model, time.GetUtcNow().ToUnixTimeSeconds());
                body = Serialize(oa);
            }
            catch (Exception ex) when (ex is JsonException or TranslationException or InvalidOperationException)
            {
                return await FailAsync(ctx, a, rt, FallThroughReasons.ServerError, "unreadable provider response", 502, null);
            }
        }

        UsageScanner.TryScan(body, out pin, out pout, out hasUsage, out _);
        a.TtftMs = time.GetElapsedTime(a.SentTimestamp).TotalMilliseconds;
        rt.Breaker.RecordSuccess();
        a.Route.Add($"{a.Cand.Tier}:{a.Cand.Name}=ok");
        SetRouteHeaders(ctx, a.Cand.Tier, a.Cand.Name, a.Cand.UpstreamModel, a.Route);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;

        // Metered before the client gets the answer: a crash (SIGKILL) after the client saw a success must not lose
        // its record. The answer was produced, so it is billed even if the client leaves while it is written.
        await CompleteAsync(a, hasUsage ? pin : a.Rc.Request.PromptTokenEstimate, hasUsage ? pout : 0, !hasUsage, partial: false);
        try
        {
            await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }

        return AttemptOutcome.Done;
    }

    private async Task<AttemptOutcome> StreamAsync(HttpContext ctx, Attempt a, BackendRuntime rt, HttpResponseMessage resp, CancellationTokenSource firstByte, AnthropicStreamTranslator? translator)
    {
        var rc = a.Rc;
        var idleMs = rc.Tenant.Policy.Config.Timeouts.StreamIdleMs;
        var wantsUsage = rc.Request.ClientWantsUsage;
        var started = false;
        var sawDone = false;
        var completed = false;
        long pin = 0, pout = 0, chunks = 0;
        var hasUsage = false;
        var unflushed = false;
        string? failure = null;
        var output = translator is null ? null : new List<string>();
        string? eventName = null;
        var data = translator is null ? null : new ArrayBufferWriter<byte>(1024);
        await using var stream = await resp.Content.ReadAsStreamAsync(ctx.RequestAborted);
        await using var lines = new SseLineReader(stream);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte>? maybe;
                var buffered = lines.HasBufferedLine;
                if (unflushed && !buffered)
                {
                    // What the upstream sent in one piece (vLLM's role event and first token, or the last token, usage
                    // and [DONE]) leaves in one write once it is drained: one packet and one client wake-up, not one per event.
                    await FlushEventsAsync(ctx, ctx.RequestAborted);
                    unflushed = false;
                }

                // Before the first event the first-byte timeout applies; after it, the idle timeout per upstream read.
                var token = started ? idle.Token : firstByte.Token;
                if (started && !buffered)
                {
                    idle.CancelAfter(idleMs);
                }

                maybe = await lines.ReadLineAsync(token);
                if (maybe is not { } line)
                {
                    break;
                }

                var span = line.Span;
                if (translator is not null)
                {
                    if (span.IsEmpty)
                    {
                        if (eventName is not null || data!.WrittenCount > 0)
                        {
                            output!.Clear();
                            translator.OnEvent(eventName ?? "message", data!.WrittenSpan, output);
                            data.ResetWrittenCount();
                            eventName = null;
                            foreach (var o in output)
                            {
                                started = EnsureStarted(ctx, a, rt, started);
                                WriteEvent(ctx, Encoding.UTF8.GetBytes(o));
                                unflushed = true;
                                chunks++;
                            }

                            if (translator.Error is not null)
                            {
                                failure = "provider reported an error in the stream";
                                break;
                            }

                            if (translator.Finished)
                            {
                                pin = translator.PromptTokens;
                                pout = translator.CompletionTokens;
                                hasUsage = true;
                                sawDone = true;
                                started = EnsureStarted(ctx, a, rt, started);
                                completed = true;
                                await CompleteAsync(a, pin, pout, estimated: false, partial: false);
                                ctx.Response.BodyWriter.Write(Done);
                                await FlushEventsAsync(ctx, ctx.RequestAborted);
                                break;
                            }
                        }
                    }
                    else if (span.StartsWith("event:"u8))
                    {
                        eventName = Encoding.UTF8.GetString(span["event:".Length..].Trim((byte)' '));
                    }
                    else if (span.StartsWith("data:"u8))
                    {
                        var d = span["data:".Length..];
                        if (!d.IsEmpty && d[0] == (byte)' ')
                        {
                            d = d[1..];
                        }

                        data!.Write(d);
                    }

                    continue;
                }

                if (!span.StartsWith("data:"u8))
                {
                    continue;
                }

                var payload = span["data:".Length..];
                if (!payload.IsEmpty && payload[0] == (byte)' ')
                {
                    payload = payload[1..];
                }

                if (payload.SequenceEqual("[DONE]"u8))
                {
                    sawDone = true;
                    started = EnsureStarted(ctx, a, rt, started);
                    // Metered before the client sees [DONE], so a crash after a client-visible success cannot lose the record.
                    completed = true;
                    await CompleteAsync(a, hasUsage ? pin : rc.Request.PromptTokenEstimate, hasUsage ? pout : chunks, !hasUsage, partial: false);
                    ctx.Response.BodyWriter.Write(Done);
                    await FlushEventsAsync(ctx, ctx.RequestAborted);
                    break;
                }

                if (payload.IndexOf("\"usage\""u8) >= 0 && UsageScanner.TryScan(payload, out var p1, out var p2, out var u, out var empty) && u)
                {
                    pin = p1;
                    pout = p2;
                    hasUsage = true;
                    if (empty && !wantsUsage)
                    {
                        continue;
                    }
                }
                else if (payload.IndexOf("\"error\""u8) >= 0 && !started)
                {
                    failure = "upstream error event before the first chunk";
                    break;
                }

                var payloadStart = span.Length - payload.Length;
                started = EnsureStarted(ctx, a, rt, started);
                chunks++;
                WriteEvent(ctx, line[payloadStart..].Span);
                unflushed = true;
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested && completed)
        {
            // The client left while [DONE] was written; the call was already metered in full.
            return AttemptOutcome.Done;
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // Client went away: disposing the upstream response cancels the upstream call.
            rt.Breaker.RecordNeutral();
            metrics.Requests.WithLabels(a.Cand.Tier, rc.Plan.RequestClass, "client_cancel").Inc();
            if (started)
            {
                await CompleteAsync(a, hasUsage ? pin : rc.Request.PromptTokenEstimate, hasUsage ? pout : chunks, !hasUsage, partial: true);
            }

            return AttemptOutcome.Done;
        }
        catch (OperationCanceledException)
        {
            failure = started ? $"stream stalled for {idleMs} ms" : "no first event in time";
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            failure = "upstream stream broke";
        }

        if (sawDone)
        {
            if (!completed)
            {
                await CompleteAsync(a, hasUsage ? pin : rc.Request.PromptTokenEstimate, hasUsage ? pout : chunks, !hasUsage, partial: false);
            }

            return AttemptOutcome.Done;
        }

        failure ??= "upstream stream ended before completion";
        if (!started)
        {
            return await FailAsync(ctx, a, rt, failure.StartsWith("no first", StringComparison.Ordinal) ? FallThroughReasons.Timeout : FallThroughReasons.ServerError, failure, 502, null);
        }

        // Bytes already reached the client: no retry. Say so in-band and never send [DONE].
        var cb = rc.Tenant.Policy.Config.CircuitBreaker;
        rt.Breaker.RecordFailure(cb.ConsecutiveFailures, TimeSpan.FromSeconds(cb.OpenSeconds));
        metrics.Requests.WithLabels(a.Cand.Tier, rc.Plan.RequestClass, "stream_error").Inc();
        LogAttemptFailed(log, rc.RequestId, a.Number, a.Cand.Tier, a.Cand.Name, "MidStream", failure);
        try
        {
            await WriteEventAsync(ctx, OpenAIError.Build("upstream_error", "stream_interrupted", $"{a.Cand.Tier} {a.Cand.Name}: {failure}; the answer is incomplete"), ctx.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }

        await CompleteAsync(a, hasUsage ? pin : rc.Request.PromptTokenEstimate, hasUsage ? pout : chunks, !hasUsage, partial: true);
        return AttemptOutcome.Done;
    }

    // Commits the attempt (no fall-through past this point) and sets the headers. They are not flushed on their own:
    // they leave with the first event in one write, as a plain proxy sends them, instead of a packet and a client wake-up
    // of their own ahead of the first token.
    private bool EnsureStarted(HttpContext ctx, Attempt a, BackendRuntime rt, bool started)
    {
        if (started)
        {
            return true;
        }

        a.TtftMs = time.GetElapsedTime(a.SentTimestamp).TotalMilliseconds;
        metrics.Ttft.WithLabels(a.Cand.Tier).Observe(a.TtftMs / 1000);
        rt.Load.RecordTtft(a.TtftMs); // streamed only: a JSON answer's time is the whole generation
        rt.Breaker.RecordSuccess();
        a.Route.Add($"{a.Cand.Tier}:{a.Cand.Name}=ok");
        SetRouteHeaders(ctx, a.Cand.Tier, a.Cand.Name, a.Cand.UpstreamModel, a.Route);
        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-cache";
        ctx.Response.Headers["X-Accel-Buffering"] = "no";
        return true;
    }

    private static async ValueTask WriteEventAsync(HttpContext ctx, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        WriteEvent(ctx, payload.Span);
        await FlushEventsAsync(ctx, ct);
    }

    // Buffers one event in the response pipe (after any events still buffered); FlushEventsAsync sends what is buffered.
    private static void WriteEvent(HttpContext ctx, ReadOnlySpan<byte> payload)
    {
        var w = ctx.Response.BodyWriter;
        w.Write(DataPrefix);
        w.Write(payload);
        w.Write(EventEnd);
    }

    private static async ValueTask FlushEventsAsync(HttpContext ctx, CancellationToken ct)
    {
        var r = await ctx.Response.BodyWriter.FlushAsync(ct);
        if (r.IsCanceled)
        {
            throw new OperationCanceledException(ct);
        }
    }

    private async Task CompleteAsync(Attempt a, long tokensIn, long tokensOut, bool estimated, bool partial)
    {
        var rc = a.Rc;
        var latency = Stopwatch.GetElapsedTime(rc.StartTimestamp);
        metrics.Latency.WithLabels(a.Cand.Tier).Observe(latency.TotalSeconds);
        if (!partial)
        {
            metrics.Requests.WithLabels(a.Cand.Tier, rc.Plan.RequestClass, "ok").Inc();
            if (!rc.Request.Stream)
            {
                metrics.Ttft.WithLabels(a.Cand.Tier).Observe(a.TtftMs / 1000);
            }
        }

        if (a.Reservation is { } res)
        {
            // The answer already went out: a failing gate must not turn it into a 5xx nor skip the ledger record.
            // An unsettled reservation is released by the caller's finally (or reclaimed after its TTL).
            try
            {
                await quota.SettleAsync(res, tokensIn + tokensOut, CancellationToken.None);
                a.Settled = true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                metrics.MeteringFailures.WithLabels("settle", ex.GetType().Name).Inc();
                LogSettleFailed(log, rc.RequestId, ex.GetType().Name, ex.Message);
            }
        }

        var record = new CallRecord
        {
            RequestId = rc.RequestId,
            Attempt = a.Number,
            Tenant = rc.Tenant.Name,
            Tier = a.Cand.Tier,
            Backend = a.Cand.Name,
            Model = a.Cand.UpstreamModel,
            RequestClass = rc.Plan.RequestClass,
            TokensIn = tokensIn,
            TokensOut = tokensOut,
            Estimated = estimated,
            Partial = partial,
            TtftMs = a.TtftMs,
            LatencyMs = latency.TotalMilliseconds,
            Plan = rc.Tenant.Plan,
            ExternalInputPerMTok = a.Cand.ProviderModel?.InputPricePerMTok ?? 0,
            ExternalOutputPerMTok = a.Cand.ProviderModel?.OutputPricePerMTok ?? 0,
            ContributorTenant = a.Cand.ContributorTenant,
            RevenueSharePercent = a.Cand.ContributorTenant is null ? 0 : a.Cand.Backend!.RevenueSharePercent,
            CompletedAt = time.GetUtcNow(),
        };
        try
        {
            await meter.RecordAsync(record, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Any failure (a store fault, or ArgumentException for a record the sink refuses) is logged with the
            // record's key and counted; the client's answer was already sent and stays a success.
            metrics.MeteringFailures.WithLabels("record", ex.GetType().Name).Inc();
            LogMeteringFailed(log, rc.RequestId, a.Number, rc.Tenant.Name, a.Cand.Tier, tokensIn, tokensOut, ex.GetType().Name, ex.Message);
        }
    }

    /// <summary>Sets the four route headers; called before the response starts.</summary>
    public static void SetRouteHeaders(HttpContext ctx, string tier, string backend, string model, IReadOnlyList<string> route)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (ctx.Response.HasStarted)
        {
            return;
        }

        var h = ctx.Response.Headers;
        h["X-Daalu-Tier"] = tier;
        h["X-Daalu-Backend"] = backend;
        h["X-Daalu-Model"] = model;
        h["X-Daalu-Route"] = route.Count == 0 ? "none" : string.Join(", ", route);
    }

    private static byte[] NormalizeError(byte[] body, int status)
    {
        // vLLM has two error shapes (nested and a flat {"object":"error",...}); clients expect the nested OpenAI one.
        try
        {
            var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }) as JsonObject;
            if (node is not null && node["error"] is JsonObject)
            {
                return body;
            }

            if (node is not null && node["message"]?.GetValueKind() == JsonValueKind.String)
            {
                return OpenAIError.Build(node["type"]?.GetValueKind() == JsonValueKind.String ? node["type"]!.GetValue<string>() : "invalid_request_error",
                    status.ToString(CultureInfo.InvariantCulture), node["message"]!.GetValue<string>());
            }

            // vLLM's --api-key middleware ({"error": "Unauthorized"}), FastAPI/Starlette ({"detail": "Not Found"} or a
            // validation list), llama.cpp and Ollama variants: the upstream's own words, in the OpenAI shape.
            var words = node?["error"] ?? node?["detail"];
            if (words is not null)
            {
                return OpenAIError.Build("invalid_request_error", status.ToString(CultureInfo.InvariantCulture),
                    $"upstream {status}: {(words.GetValueKind() == JsonValueKind.String ? words.GetValue<string>() : words.ToJsonString())}");
            }
        }
        catch (JsonException)
        {
            var text = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 1024))).Trim();
            if (text.Length > 0)
            {
                return OpenAIError.Build("invalid_request_error", status.ToString(CultureInfo.InvariantCulture), $"upstream {status}: {text}");
            }
        }

        return OpenAIError.Build("invalid_request_error", status.ToString(CultureInfo.InvariantCulture), $"upstream answered {status} with an empty body");
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

    private static byte[] Serialize(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(w);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool IsConnectFailure(HttpRequestException ex) =>
        ex.InnerException is SocketException or ConnectTimeoutException || ex.HttpRequestError == HttpRequestError.ConnectionError || ex.HttpRequestError == HttpRequestError.NameResolutionError;

    [LoggerMessage(1, LogLevel.Information, "Request {RequestId} attempt {Attempt} on {Tier}/{Backend} failed: {Reason} ({Detail})")]
    private static partial void LogAttemptFailed(ILogger logger, string requestId, int attempt, string tier, string backend, string reason, string detail);

    [LoggerMessage(2, LogLevel.Error, "Request {RequestId} attempt {Attempt}: metering record could not be written (tenant {Tenant}, tier {Tier}, tokens in {TokensIn} out {TokensOut}): {Error}: {Detail}")]
    private static partial void LogMeteringFailed(ILogger logger, string requestId, int attempt, string tenant, string tier, long tokensIn, long tokensOut, string error, string detail);

    [LoggerMessage(3, LogLevel.Error, "Request {RequestId}: quota settlement failed ({Error}: {Detail}); the reservation is released instead")]
    private static partial void LogSettleFailed(ILogger logger, string requestId, string error, string detail);
}
