using System.Net;
using Daalu.Contracts;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

public sealed class StreamingTests
{
    private static List<string> DataLines(string body) =>
        body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();

    [Fact]
    public async Task Stream_ClientDidNotAskForUsage_UsageRequestedUpstreamAndChunkRemoved()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: true));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("text/event-stream", resp.Content.Headers.ContentType?.MediaType);
        var data = DataLines(body);
        Assert.Equal("[DONE]", data[^1]);
        Assert.DoesNotContain(data, d => d.Contains("\"usage\"", StringComparison.Ordinal));
        Assert.Equal(5, data.Count(d => d.Contains("\"content\":\"tok", StringComparison.Ordinal)));
        var call = Assert.Single(f.Own.Calls);
        Assert.Contains("\"include_usage\":true", call.Body, StringComparison.Ordinal);
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(call.ReportedCompletionTokens, record.TokensOut);
        Assert.Equal(call.ReportedPromptTokens, record.TokensIn);
        Assert.False(record.Estimated);
        Assert.False(record.Partial);
    }

    [Fact]
    public async Task Stream_ClientAskedForUsage_UsageChunkKept()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (_, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: true, includeUsage: true));

        var data = DataLines(body);
        Assert.Equal("[DONE]", data[^1]);
        Assert.Contains("\"choices\":[]", data[^2], StringComparison.Ordinal);
        Assert.Contains("\"usage\":{", data[^2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_UpstreamDropsAfterTwoChunks_InBandErrorAndNoDone()
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.Faults.DropAfterChunks = 2;
        // A reset connection can discard bytes still unread in the socket; pace the chunks so the router has read them.
        f.Own.Faults.ChunkDelay = TimeSpan.FromMilliseconds(50);
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: true));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var data = DataLines(body);
        Assert.DoesNotContain("[DONE]", data);
        Assert.Contains("\"stream_interrupted\"", data[^1], StringComparison.Ordinal);
        Assert.Equal(2, data.Count(d => d.Contains("\"content\":\"tok", StringComparison.Ordinal)));
        Assert.Empty(f.Hosted.Calls);
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.True(record.Partial);
        Assert.True(record.Estimated);
    }

    // The router writes events without flushing while the upstream's bytes are buffered, and flushes when it has
    // to wait for more; an event must never sit in the router until the next one comes.
    [Fact]
    public async Task Stream_UpstreamPacesChunks_EachEventReachesTheClientBeforeTheNextIsSent()
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.Faults.ChunkDelay = TimeSpan.FromMilliseconds(400);
        using var req = RouterTestHost.Chat(TestConfigs.KeyA, stream: true);
        using var resp = await f.Host.Client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync());
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var arrivals = new List<(string Line, TimeSpan At)>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                arrivals.Add((line, sw.Elapsed));
            }
        }

        Assert.Equal("data: [DONE]", arrivals[^1].Line);
        var content = arrivals.Where(x => x.Line.Contains("\"content\":\"", StringComparison.Ordinal) && !x.Line.Contains("\"role\"", StringComparison.Ordinal)).ToList();
        Assert.True(content.Count >= 2, $"{content.Count} content events");
        for (var i = 1; i < content.Count; i++)
        {
            // Paced 400 ms apart upstream; had an event waited for the next, two would arrive together.
            Assert.True(content[i].At - content[i - 1].At > TimeSpan.FromMilliseconds(200), $"events {i - 1} and {i} arrived {(content[i].At - content[i - 1].At).TotalMilliseconds} ms apart");
        }
    }

    [Fact]
    public async Task Stream_UpstreamStalls_InBandErrorWithinIdleTimeout()
    {
        await using var f = await CascadeFixture.StartAsync(c => c.Policies[0].Timeouts.StreamIdleMs = 300);
        f.Own.Faults.StallAfterChunks = 1;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var (_, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: true));

        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), "stall detected late");
        var data = DataLines(body);
        Assert.DoesNotContain("[DONE]", data);
        Assert.Contains("stalled", data[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_ClientCancels_UpstreamCancelledReservationReleasedPartialBilled()
    {
        await using var f = await CascadeFixture.StartAsync();
        await f.Own.StopAsync();
        f.Hosted.Chunks = 50;
        f.Hosted.Faults.ChunkDelay = TimeSpan.FromMilliseconds(100);
        using var cts = new CancellationTokenSource();
        var resp = await f.Host.Client.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: true), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(TierNames.Hosted, Header.Get(resp, "X-Daalu-Tier"));
        var stream = await resp.Content.ReadAsStreamAsync(cts.Token);
        var buf = new byte[256];
        _ = await stream.ReadAsync(buf, cts.Token);
        await cts.CancelAsync();
        resp.Dispose();

        await RouterTestHost.WaitUntilAsync(() => Task.FromResult(f.Hosted.Calls.Any(c => c.Cancelled)));
        await RouterTestHost.WaitUntilAsync(() => Task.FromResult(f.Host.Quota.Outstanding == 0 && !f.Host.Meter.Records.IsEmpty));
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.True(record.Partial);
        Assert.Empty(f.OpenAI.Calls);
    }

    [Fact]
    public async Task Stream_ToolCalls_PassedThroughInOrder()
    {
        await using var f = await CascadeFixture.StartAsync();
        const string tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}],\"tool_choice\":\"auto\"";
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: true, extra: tools));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Contains("\"tool_calls\"", body, StringComparison.Ordinal);
        Assert.Contains("\"finish_reason\":\"tool_calls\"", body, StringComparison.Ordinal);
        Assert.Contains("\"tool_choice\":\"auto\"", Assert.Single(f.Own.Calls).Body, StringComparison.Ordinal);
    }
}
