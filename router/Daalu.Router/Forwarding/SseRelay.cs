using System.Buffers;
using System.Text;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Router.Backends;
using Daalu.Router.Observability;
using Daalu.Router.Planning;
using Daalu.Router.Translation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Daalu.Router.Forwarding;

/// <summary>
/// The one SSE relay: reads an upstream event stream line by line, translates it when the upstream is not chat
/// (Anthropic events to chat chunks) and when the client is not (chat chunks to Responses or Messages events), passes
/// an upstream's own Responses events through unchanged when the client speaks Responses too (identity), writes
/// it to the client with one flush per upstream burst, commits the attempt at the first event (headers leave with
/// it), meters the call before the client sees the clean end, and ends a broken stream with an in-band error, never a
/// clean end. Before the first byte reaches the client a failure is returned, not written, so the attempt loop can
/// fall through.
/// </summary>
internal sealed class SseRelay(TimeProvider time, RouterMetrics metrics, ILogger log, CallMeter meter)
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>The metering step the relay completes calls with.</summary>
    public CallMeter Meter { get; } = meter;

    /// <summary>
    /// Relays one streamed answer. Returns null when the answer is finished (served, broken after its first byte with an
    /// in-band error, or abandoned by the client: each already metered), or why it failed before any byte reached the
    /// client, for the attempt loop to fall through or report.
    /// </summary>
    /// <param name="passthrough">The upstream streams the client's own API (Responses events): relayed as they come.</param>
    public async Task<(string Reason, string Detail)?> RelayAsync(HttpContext ctx, Attempt a, BackendRuntime rt, HttpResponseMessage resp, CancellationTokenSource firstByte, AnthropicStreamTranslator? translator, bool passthrough = false)
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
        var client = passthrough ? null : rc.Request.Dialect?.CreateStreamTranslator();
        var frames = passthrough ? new ResponsesFrames() : null;
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
                                var bytes = Encoding.UTF8.GetBytes(o);
                                WriteChunk(ctx, client, bytes);
                                unflushed = true;
                                chunks += TokenEvents.CarriesTokens(bytes) ? 1 : 0;
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
                                await Meter.CompleteAsync(a, pin, pout, estimated: false, partial: false);
                                WriteDone(ctx, client);
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
                    if (frames is not null && span.StartsWith("event:"u8))
                    {
                        // Held until its data line: the event leaves whole, after the attempt is committed.
                        frames.OnEventLine(span);
                    }

                    continue;
                }

                var payload = span["data:".Length..];
                if (!payload.IsEmpty && payload[0] == (byte)' ')
                {
                    payload = payload[1..];
                }

                if (frames is not null && !payload.SequenceEqual("[DONE]"u8))
                {
                    var ev = frames.Read(payload);
                    if (ev.Kind == ResponsesEventKind.Failed && !started)
                    {
                        failure = "upstream error event before the first event";
                        break;
                    }

                    if (ev.Kind == ResponsesEventKind.Lifecycle && !started)
                    {
                        // vLLM announces the response before it schedules the prompt: held, so the attempt commits (and
                        // its time to first token is taken) at the first output, and can still fall through until then.
                        frames.Hold(line.Span);
                        continue;
                    }

                    started = EnsureStarted(ctx, a, rt, started);
                    chunks += ev.Kind == ResponsesEventKind.Tokens ? 1 : 0;
                    if (ev.Kind == ResponsesEventKind.Completed)
                    {
                        (pin, pout, hasUsage) = (ev.InputTokens, ev.OutputTokens, ev.HasUsage);
                        sawDone = completed = true;
                        // Metered before the client sees the completed event, as [DONE] is for chat.
                        await Meter.CompleteAsync(a, hasUsage ? pin : rc.Request.PromptTokenEstimate, hasUsage ? pout : chunks, !hasUsage, partial: false);
                        frames.Write(ctx.Response.BodyWriter, line.Span);
                        await FlushEventsAsync(ctx, ctx.RequestAborted);
                        break;
                    }

                    frames.Write(ctx.Response.BodyWriter, line.Span);
                    unflushed = true;
                    continue;
                }

                if (payload.SequenceEqual("[DONE]"u8))
                {
                    sawDone = true;
                    started = EnsureStarted(ctx, a, rt, started);
                    // Metered before the client sees [DONE], so a crash after a client-visible success cannot lose the record.
                    completed = true;
                    await Meter.CompleteAsync(a, hasUsage ? pin : rc.Request.PromptTokenEstimate, hasUsage ? pout : chunks, !hasUsage, partial: false);
                    WriteDone(ctx, client);
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
                chunks += TokenEvents.CarriesTokens(payload) ? 1 : 0; // the estimate counts only events with tokens
                WriteChunk(ctx, client, line[payloadStart..].Span);
                unflushed = true;
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested && completed)
        {
            // The client left while [DONE] was written; the call was already metered in full.
            return null;
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // Client went away: disposing the upstream response cancels the upstream call.
            rt.Breaker.RecordNeutral();
            metrics.Requests.WithLabels(a.Cand.Tier, rc.Plan.RequestClass, "client_cancel").Inc();
            if (started)
            {
                await Meter.CompleteAsync(a, hasUsage ? pin : rc.Request.PromptTokenEstimate, hasUsage ? pout : chunks, !hasUsage, partial: true);
            }

            return null;
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
                await Meter.CompleteAsync(a, hasUsage ? pin : rc.Request.PromptTokenEstimate, hasUsage ? pout : chunks, !hasUsage, partial: false);
            }

            return null;
        }

        failure ??= "upstream stream ended before completion";
        if (!started)
        {
            return (failure.StartsWith("no first", StringComparison.Ordinal) ? FallThroughReasons.Timeout : FallThroughReasons.ServerError, failure);
        }

        // Bytes already reached the client: no retry. Say so in-band and never send [DONE].
        var cb = rc.Tenant.Policy.Config.CircuitBreaker;
        rt.Breaker.RecordFailure(cb.ConsecutiveFailures, TimeSpan.FromSeconds(cb.OpenSeconds));
        metrics.Requests.WithLabels(a.Cand.Tier, rc.Plan.RequestClass, "stream_error").Inc();
        ForwardingLog.AttemptFailed(log, rc.RequestId, a.Number, a.Cand.Tier, a.Cand.Name, "MidStream", failure);
        try
        {
            var message = $"{a.Cand.Tier} {a.Cand.Name}: {failure}; the answer is incomplete";
            if (frames is not null)
            {
                frames.WriteError(ctx.Response.BodyWriter, message);
                await FlushEventsAsync(ctx, ctx.RequestAborted);
            }
            else if (client is null)
            {
                await WriteEventAsync(ctx, OpenAIError.Build("upstream_error", "stream_interrupted", message), ctx.RequestAborted);
            }
            else
            {
                client.OnError(message, ctx.Response.BodyWriter);
                await FlushEventsAsync(ctx, ctx.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }

        await Meter.CompleteAsync(a, hasUsage ? pin : rc.Request.PromptTokenEstimate, hasUsage ? pout : chunks, !hasUsage, partial: true);
        return null;
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
        rt.Load.RecordTtft(a.TtftMs, a.LoadTicket); // streamed only: a JSON answer's time is the whole generation
        rt.Breaker.RecordSuccess();
        a.Route.Add($"{a.Cand.Tier}:{a.Cand.Name}=ok");
        ResponseWriter.SetRouteHeaders(ctx, a.Cand.Tier, a.Cand.Name, a.Cand.UpstreamModel, a.Route);
        ResponseWriter.BeginEventStream(ctx);
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

    // One chat chunk to the client: as is for Chat Completions, or through the client's dialect (Responses, Messages).
    private static void WriteChunk(HttpContext ctx, IChatStreamTranslator? client, ReadOnlySpan<byte> payload)
    {
        if (client is null)
        {
            WriteEvent(ctx, payload);
            return;
        }

        try
        {
            client.OnChunk(payload, ctx.Response.BodyWriter);
        }
        catch (Exception ex) when (ex is JsonException or TranslationException or InvalidOperationException)
        {
            // Handled like a broken upstream stream: a fall-through before the first byte, an in-band error after it.
            throw new IOException("upstream sent an unreadable stream event", ex);
        }
    }

    // The clean end: [DONE] for Chat Completions, the dialect's closing events otherwise.
    private static void WriteDone(HttpContext ctx, IChatStreamTranslator? client)
    {
        if (client is null)
        {
            ctx.Response.BodyWriter.Write(Done);
        }
        else
        {
            client.OnDone(ctx.Response.BodyWriter);
        }
    }

    private static async ValueTask FlushEventsAsync(HttpContext ctx, CancellationToken ct)
    {
        var r = await ctx.Response.BodyWriter.FlushAsync(ct);
        if (r.IsCanceled)
        {
            throw new OperationCanceledException(ct);
        }
    }
}
