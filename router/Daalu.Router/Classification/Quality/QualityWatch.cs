using System.Collections.Concurrent;
using System.Threading.Channels;
using Daalu.Contracts;
using Daalu.Router.Backends;
using Daalu.Router.Classification.Difficulty;
using Daalu.Router.Classification.Judging;
using Daalu.Router.Configuration;
using Daalu.Router.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;

namespace Daalu.Router.Classification.Quality;

/// <summary>
/// The quality drift watch (issue 18, deliverable 6; the seed's threshold 3.5): a policy's
/// <c>judge.qualitySamplePercent</c> of the answers served on OwnGpu and Hosted are copied as they go out, queued, and
/// scored 1-5 by the judge model in the background, never on the request path. The queue is bounded: a full queue
/// drops the sample and counts it. Scores go to <c>daalu_router_quality_score</c> (histogram) and
/// <c>daalu_router_quality_score_mean</c> (mean of the last <see cref="ScoreWindow.Size"/>) per tier and model; no
/// prompt or answer text is logged or exported.
/// </summary>
public sealed class QualityWatch(JudgeClient client, BackendRegistry registry, RouterMetrics metrics, Random random, int capacity = QualityWatch.DefaultCapacity)
    : BackgroundService
{
    /// <summary>Samples waiting at most.</summary>
    public const int DefaultCapacity = 256;

    /// <summary>The seed's alert threshold on the mean score.</summary>
    public const double AlertBelow = 3.5;

    /// <summary>Longest wait for one quality score (in the background, so longer than the difficulty judge's).</summary>
    public static readonly TimeSpan JudgeTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<QualitySample> _queue = Channel.CreateBounded<QualitySample>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private readonly ConcurrentDictionary<(string Tier, string Model), ScoreWindow> _windows = new();

    /// <summary>Samples waiting.</summary>
    public int Waiting => _queue.Reader.Count;

    /// <summary>Whether a request is sampled, for a draw in [0, 1). Pure.</summary>
    public static bool Sampled(double percent, double draw) => percent > 0 && draw * 100 < percent;

    /// <summary>
    /// Starts copying the response of a sampled request (the policy's share, with an enabled judge on the tenant's own
    /// GPU); null for every other request, which then pays only one random draw.
    /// </summary>
    public QualityCapture? Begin(HttpContext ctx, TenantRuntime tenant, RouterSnapshot snap, RequestText text)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(snap);
        ArgumentNullException.ThrowIfNull(text);
        if (tenant.Policy.Config.Judge is not { Enabled: true } judge || !Sampled(judge.QualitySamplePercent, random.NextDouble()))
        {
            return null;
        }

        var backend = JudgeBackends.Pick(snap.Backends, registry.View, tenant.Name, judge.Model);
        if (backend is null)
        {
            metrics.QualitySamples.WithLabels(JudgeOutcomes.NoBackend).Inc();
            return null;
        }

        snap.BackendKeys.TryGetValue(backend.Name, out var key);
        var capture = new AnswerCaptureStream(ctx.Response.Body);
        ctx.Response.Body = capture;
        return new QualityCapture(capture, JudgePrompts.Truncate(text.LastUserText, JudgePrompts.PromptChars), backend.Url, key, judge.Model, backend.Name);
    }

    /// <summary>
    /// Puts the client's body stream back and queues the copy when the answer came from OwnGpu or Hosted (the
    /// X-Daalu-Tier and X-Daalu-Model headers the router set) with status 200. Never waits for the judge.
    /// </summary>
    public async Task EndAsync(HttpContext ctx, QualityCapture capture)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(capture);
        // Writes through BodyWriter sit in the pipe of the feature that setting Body installed: flush them to the client.
        // A client that went away makes that fail; the sample is then dropped (the answer was not delivered whole).
        var flushed = true;
        try
        {
            if (ctx.Features.Get<IHttpResponseBodyFeature>() is { } feature)
            {
                await feature.CompleteAsync();
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            flushed = false;
        }

        ctx.Response.Body = capture.Stream.Inner;
        if (!flushed)
        {
            await capture.Stream.DisposeAsync();
            return;
        }

        var tier = ctx.Response.Headers["X-Daalu-Tier"].ToString();
        if (ctx.Response.StatusCode == StatusCodes.Status200OK && tier is TierNames.OwnGpu or TierNames.Hosted)
        {
            var eventStream = ctx.Response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
            Enqueue(new QualitySample(tier, ctx.Response.Headers["X-Daalu-Model"].ToString(), capture.Prompt, capture.Stream.Captured.ToArray(),
                eventStream, capture.JudgeUrl, capture.JudgeKey, capture.JudgeModel, capture.JudgeBackend));
        }

        await capture.Stream.DisposeAsync();
    }

    /// <summary>Queues a sample, or drops and counts it when the queue is full.</summary>
    public bool Enqueue(QualitySample sample)
    {
        var queued = _queue.Writer.TryWrite(sample);
        metrics.QualitySamples.WithLabels(queued ? "queued" : "dropped").Inc();
        return queued;
    }

    /// <summary>Scores one sample: asks the judge and records the score. Exposed so tests drive the worker step by step.</summary>
    public async Task ScoreAsync(QualitySample sample, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var answer = AnswerText.Extract(sample.Body, sample.EventStream);
        if (string.IsNullOrWhiteSpace(answer))
        {
            metrics.QualitySamples.WithLabels("unreadable").Inc();
            return;
        }

        var body = JudgePrompts.Quality(sample.JudgeModel, sample.Prompt, answer);
        JudgeReply reply;
        // A real request in the judge card's batch, as the difficulty judge's: counted in its load view while it runs
        // (in flight, KV, prefill backlog: JudgeLoad), so the picker and the saturation judge see it.
        var load = JudgeLoad.Of(body);
        using (sample.JudgeBackend is { } name ? registry.Track(name, load.ExpectedTokens, load.PromptTokens, load.Key) : null)
        {
            reply = await client.AskAsync(sample.JudgeUrl, sample.JudgeKey, body, 5, JudgeTimeout, ct);
        }

        metrics.JudgeCalls.WithLabels(JudgePurposes.Quality, reply.Outcome).Inc();
        metrics.JudgeDuration.WithLabels(JudgePurposes.Quality).Observe(reply.Elapsed.TotalSeconds);
        if (reply.Digit is { } score)
        {
            metrics.QualityScore.WithLabels(sample.Tier, sample.Model).Observe(score);
            var mean = _windows.GetOrAdd((sample.Tier, sample.Model), _ => new ScoreWindow()).Add(score);
            metrics.QualityScoreMean.WithLabels(sample.Tier, sample.Model).Set(mean);
        }
    }

    /// <summary>Takes the next sample when one is waiting (tests); false when the queue is empty.</summary>
    public bool TryTake(out QualitySample? sample) => _queue.Reader.TryRead(out sample);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var sample in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ScoreAsync(sample, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    // One bad sample must not stop the watch (an unhandled exception here would stop the host).
                    metrics.JudgeCalls.WithLabels(JudgePurposes.Quality, JudgeOutcomes.Error).Inc();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the samples still queued are dropped, as a full queue would.
        }
    }
}
