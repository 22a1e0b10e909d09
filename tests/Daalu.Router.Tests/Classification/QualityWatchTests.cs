using System.Net;
using System.Text;
using Daalu.Router.Backends;
using Daalu.Router.Classification.Judging;
using Daalu.Router.Classification.Quality;
using Daalu.Router.Observability;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Xunit;

namespace Daalu.Router.Tests.Classification;

// The quality drift watch's parts on a fake clock and a fake judge: sampling, the bounded queue, answer extraction,
// scoring and the mean per tier and model.
public class QualityWatchTests
{
    private sealed class JudgeHandler(string content) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"}}]}", Encoding.UTF8, "application/json"),
            });
        }
    }

    private static (QualityWatch Watch, RouterMetrics Metrics, JudgeHandler Judge) Create(string judgeAnswer = "4", int capacity = QualityWatch.DefaultCapacity)
    {
        var time = new FakeTimeProvider();
        var handler = new JudgeHandler(judgeAnswer);
        var metrics = new RouterMetrics();
        var watch = new QualityWatch(new JudgeClient(new HttpMessageInvoker(handler), time), new BackendRegistry(time), metrics, new Random(7), capacity);
        return (watch, metrics, handler);
    }

    private static QualitySample Sample(string tier = "OwnGpu", string model = "m", string answer = "Paris is the capital.") =>
        new(tier, model, "What is the capital of France?",
            Encoding.UTF8.GetBytes("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + answer + "\"}}]}"),
            EventStream: false, "http://judge", null, "small");

    private static async Task<string> ExportAsync(RouterMetrics metrics)
    {
        using var s = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(s);
        return Encoding.UTF8.GetString(s.ToArray());
    }

    [Theory]
    [InlineData(1, 0.0, true)]
    [InlineData(1, 0.0099, true)]
    [InlineData(1, 0.01, false)]
    [InlineData(0, 0.0, false)]
    [InlineData(100, 0.9999, true)]
    [InlineData(12.5, 0.12, true)]
    [InlineData(12.5, 0.13, false)]
    public void Sampled_DrawAgainstPercent(double percent, double draw, bool expected) =>
        Assert.Equal(expected, QualityWatch.Sampled(percent, draw));

    [Fact]
    public void Sampled_OnePercentOverManySeededDraws_AboutOnePercent()
    {
        var random = new Random(20261207);
        var sampled = Enumerable.Range(0, 100_000).Count(_ => QualityWatch.Sampled(1, random.NextDouble()));

        Assert.InRange(sampled, 900, 1100);
    }

    [Fact]
    public void ScoreWindow_MoreThanItsSize_MeanOfTheLastOnly()
    {
        var w = new ScoreWindow();
        Assert.Equal(5, w.Add(5));
        Assert.Equal(4, w.Add(3));
        for (var i = 0; i < ScoreWindow.Size; i++)
        {
            w.Add(2);
        }

        Assert.Equal(2, w.Add(2));
    }

    [Fact]
    public async Task Enqueue_QueueFull_DropsAndCounts()
    {
        var (watch, metrics, _) = Create(capacity: 2);

        Assert.True(watch.Enqueue(Sample()));
        Assert.True(watch.Enqueue(Sample()));
        Assert.False(watch.Enqueue(Sample()));

        Assert.Equal(2, watch.Waiting);
        var text = await ExportAsync(metrics);
        Assert.Contains("daalu_router_quality_samples_total{result=\"queued\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("daalu_router_quality_samples_total{result=\"dropped\"} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreAsync_JudgeScores_MeanPerTierAndModelWithoutText()
    {
        var (watch, metrics, judge) = Create("2");

        await watch.ScoreAsync(Sample("Hosted", "m-small", "SECRET_ANSWER"), CancellationToken.None);
        await watch.ScoreAsync(Sample("Hosted", "m-small"), CancellationToken.None);

        Assert.Equal(2, judge.Calls);
        var text = await ExportAsync(metrics);
        Assert.Contains("daalu_router_quality_score_mean{tier=\"Hosted\",model=\"m-small\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("daalu_router_quality_score_count{tier=\"Hosted\",model=\"m-small\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("daalu_router_quality_score_sum{tier=\"Hosted\",model=\"m-small\"} 4", text, StringComparison.Ordinal);
        Assert.Contains("daalu_router_judge_calls_total{purpose=\"quality\",outcome=\"rated\"} 2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET_ANSWER", text, StringComparison.Ordinal);
        Assert.DoesNotContain("capital", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreAsync_MalformedScore_CountedNotRecorded()
    {
        var (watch, metrics, _) = Create("excellent");

        await watch.ScoreAsync(Sample(), CancellationToken.None);

        var text = await ExportAsync(metrics);
        Assert.Contains("daalu_router_judge_calls_total{purpose=\"quality\",outcome=\"malformed\"} 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("daalu_router_quality_score_mean{", text, StringComparison.Ordinal);
    }

    private sealed class ViewingJudgeHandler(BackendRegistry registry, string backend) : HttpMessageHandler
    {
        public (int InFlight, long Tokens)? During { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var v = registry.View(backend);
            During = (v.InFlight, v.Load?.InFlightTokens ?? -1);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"4\"}}]}", Encoding.UTF8, "application/json"),
            });
        }
    }

    [Fact]
    public async Task ScoreAsync_JudgeBackendNamed_CountedInItsLoadWhileTheJudgeRunsAndOutAfter()
    {
        var time = new FakeTimeProvider();
        var registry = new BackendRegistry(time);
        var handler = new ViewingJudgeHandler(registry, "own-a");
        var watch = new QualityWatch(new JudgeClient(new HttpMessageInvoker(handler), time), registry, new RouterMetrics(), new Random(7));

        await watch.ScoreAsync(Sample() with { JudgeBackend = "own-a" }, CancellationToken.None);

        Assert.NotNull(handler.During);
        Assert.Equal(1, handler.During!.Value.InFlight);
        Assert.InRange(handler.During.Value.Tokens, 50, 2000); // the quality prompt's ~4 bytes a token, plus 1 out
        Assert.Equal(0, registry.View("own-a").InFlight);
        Assert.Equal(0, registry.View("own-a").Load!.InFlightTokens);
    }

    [Fact]
    public async Task ScoreAsync_NoAnswerText_UnreadableWithoutJudgeCall()
    {
        var (watch, metrics, judge) = Create();
        var toolCall = new QualitySample("OwnGpu", "m", "p",
            Encoding.UTF8.GetBytes("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]}}]}"), false, "http://judge", null, "small");

        await watch.ScoreAsync(toolCall, CancellationToken.None);

        Assert.Equal(0, judge.Calls);
        Assert.Contains("daalu_router_quality_samples_total{result=\"unreadable\"} 1", await ExportAsync(metrics), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hello\"}}]}", false, "hello")]
    [InlineData("{\"choices\":[{\"index\":0,\"text\":\"hello\"}]}", false, "hello")]
    [InlineData("{\"content\":[{\"type\":\"text\",\"text\":\"hel\"},{\"type\":\"text\",\"text\":\"lo\"}]}", false, "hello")]
    [InlineData("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hel\"}}]}\r\n\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\ndata: [DONE]\n\n", true, "hello")]
    [InlineData("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hello\"}}\n\n", true, "hello")]
    public void Extract_EveryShapeTheRouterWrites_AnswerText(string body, bool eventStream, string expected) =>
        Assert.Equal(expected, AnswerText.Extract(Encoding.UTF8.GetBytes(body), eventStream));

    [Theory]
    [InlineData("{\"error\":{\"message\":\"x\"}}", false)]
    [InlineData("{\"choices\":[{\"index\":0,\"text\":", false)]
    [InlineData("data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[]}}]}\n\ndata: [DONE]\n\n", true)]
    public void Extract_NoAnswerText_Null(string body, bool eventStream) =>
        Assert.Null(AnswerText.Extract(Encoding.UTF8.GetBytes(body), eventStream));

    [Fact]
    public async Task AnswerCaptureStream_LongBody_ClientGetsAllCopyBounded()
    {
        using var inner = new MemoryStream();
        await using var capture = new AnswerCaptureStream(inner);
        var chunk = new byte[40 * 1024];
        chunk.AsSpan().Fill((byte)'x');

        await capture.WriteAsync(chunk);
        capture.Write(chunk, 0, chunk.Length);

        Assert.Equal(2 * chunk.Length, inner.Length);
        Assert.Equal(AnswerCaptureStream.Limit, capture.Captured.Length);
    }
}
