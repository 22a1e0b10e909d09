using System.Net;
using System.Text;
using Daalu.Router.Classification.Difficulty;
using Daalu.Router.Classification.Judging;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Daalu.Router.Tests.Classification;

// The judge's faults become outcomes on a fake clock: no real waiting.
public class JudgeClientTests
{
    private sealed class Handler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        public List<string> Bodies { get; } = [];

        public List<string?> Auth { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Bodies.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            Auth.Add(request.Headers.Authorization?.ToString());
            return await answer(request, cancellationToken);
        }
    }

    private static HttpResponseMessage Json(string content, HttpStatusCode status = HttpStatusCode.OK) => new(status)
    {
        Content = new StringContent("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + content + "}}]}", Encoding.UTF8, "application/json"),
    };

    private static readonly byte[] Body = JudgePrompts.Difficulty("j", "Tell me about bicycles.");

    [Fact]
    public async Task AskAsync_DigitAnswer_RatedWithKey()
    {
        var handler = new Handler((_, _) => Task.FromResult(Json("\"3\"")));
        var client = new JudgeClient(new HttpMessageInvoker(handler), new FakeTimeProvider());

        var reply = await client.AskAsync("http://judge:8000/", "k1", Body, 3, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Equal(JudgeOutcomes.Rated, reply.Outcome);
        Assert.Equal(3, reply.Digit);
        Assert.Equal("Bearer k1", Assert.Single(handler.Auth));
        Assert.Contains("\"max_tokens\":1", Assert.Single(handler.Bodies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_NoAnswerBeforeTimeout_TimeoutAfterExactlyTheTimeout()
    {
        var time = new FakeTimeProvider();
        var handler = new Handler(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Json("\"1\"");
        });
        var client = new JudgeClient(new HttpMessageInvoker(handler), time);

        var pending = client.AskAsync("http://judge:8000", null, Body, 3, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var reply = await pending;

        Assert.Equal(JudgeOutcomes.Timeout, reply.Outcome);
        Assert.Null(reply.Digit);
        Assert.Equal(TimeSpan.FromMilliseconds(200), reply.Elapsed);
    }

    [Fact]
    public async Task AskAsync_ProseAnswer_Malformed()
    {
        var client = new JudgeClient(new HttpMessageInvoker(new Handler((_, _) => Task.FromResult(Json("\"The answer is 2\"")))), new FakeTimeProvider());

        var reply = await client.AskAsync("http://judge:8000", null, Body, 3, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Equal(JudgeOutcomes.Malformed, reply.Outcome);
        Assert.Null(reply.Digit);
    }

    [Fact]
    public async Task AskAsync_ServerError_Error()
    {
        var client = new JudgeClient(new HttpMessageInvoker(new Handler((_, _) => Task.FromResult(Json("\"2\"", HttpStatusCode.ServiceUnavailable)))), new FakeTimeProvider());

        var reply = await client.AskAsync("http://judge:8000", null, Body, 3, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Equal(JudgeOutcomes.Error, reply.Outcome);
    }

    [Fact]
    public async Task AskAsync_ConnectionRefused_Error()
    {
        var client = new JudgeClient(new HttpMessageInvoker(new Handler((_, _) => throw new HttpRequestException("refused"))), new FakeTimeProvider());

        var reply = await client.AskAsync("http://judge:8000", null, Body, 3, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Equal(JudgeOutcomes.Error, reply.Outcome);
    }

    [Fact]
    public async Task AskAsync_CallerGoesAway_Rethrown()
    {
        using var cts = new CancellationTokenSource();
        var handler = new Handler(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Json("\"1\"");
        });
        var client = new JudgeClient(new HttpMessageInvoker(handler), new FakeTimeProvider());

        var pending = client.AskAsync("http://judge:8000", null, Body, 3, TimeSpan.FromMilliseconds(200), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }
}
