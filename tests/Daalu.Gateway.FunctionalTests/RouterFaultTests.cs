using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Daalu.Contracts;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.FunctionalTests.Infrastructure;
using Daalu.TestDoubles.Redis;
using Xunit;
using Xunit.Abstractions;

namespace Daalu.Gateway.FunctionalTests;

/// <summary>Router processes killed, stopped, cancelled on and cut off from Redis ("Router faults" in RELIABILITY.md), each checked with I1-I4.</summary>
public sealed class RouterFaultTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Sigkill_UnderLoad_ThenRestart_EverySuccessHasExactlyOneRow()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var c = await RouterCluster.StartAsync(new ClusterOptions
        {
            Plan = ReplicaQuotaTests.Plan(budget: 10_000_000),
            // Reservations of calls in flight when the process dies are reclaimed by Redis after this TTL (I3).
            RouterArgs = ["--reservation-ttl-seconds", "3", "--redis-timeout-ms", "2000"],
        });
        c.Pool.Faults.ChunkDelay = TimeSpan.FromMilliseconds(20);
        var router = c.Routers[0];
        using var stop = new CancellationTokenSource();
        var successes = 0;
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var call = await c.SendAsync(0, stream: (i + w) % 2 == 0);
                if (call.Success)
                {
                    Interlocked.Increment(ref successes);
                }
                else if (call.Status == 0)
                {
                    return;
                }
            }
        })).ToList();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref successes) < 30 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await router.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        var beforeKill = c.Calls.ToList();
        var inFlightCut = beforeKill.Count(x => !x.Success);
        var rowsAtKill = LedgerReader.Read(c.LedgerPaths).Count;
        var outboxAtKill = OutboxRows(router.LedgerPath);

        // Same port, same ledger: the outbox rows acknowledged before the kill are flushed on start.
        await router.StartProcessAsync(c.Client);
        for (var i = 0; i < 6; i++)
        {
            Assert.True((await c.SendAsync(0, stream: i % 2 == 0)).Success);
        }

        var rows = await c.AssertInvariantsAsync(strict: false);
        var seen = beforeKill.Where(x => x.Success).Select(x => x.RequestId).ToHashSet(StringComparer.Ordinal);
        output.WriteLine($"SIGKILL after {seen.Count} client-visible successes ({inFlightCut} calls cut); at the kill {rowsAtKill} ledger rows + {outboxAtKill} outbox rows; after restart {rows.Count(r => seen.Contains(r.RequestId))} of them have exactly one ledger row; {rows.Count} rows in all");
        Assert.True(seen.Count >= 30, $"only {seen.Count} successes before the kill");
        Assert.Equal(seen.Count, rows.Count(r => seen.Contains(r.RequestId)));
    }

    [SkippableFact]
    public async Task Sigterm_DuringLoad_InFlightFinishAndNothingIsLost()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var c = await RouterCluster.StartAsync(new ClusterOptions { Plan = ReplicaQuotaTests.Plan(budget: 10_000_000), RouterArgs = ["--redis-timeout-ms", "2000"] });
        c.Pool.Faults.DelayBeforeFirstByte = TimeSpan.FromMilliseconds(1500);
        c.Pool.Faults.ChunkDelay = TimeSpan.FromMilliseconds(50);
        const int InFlight = 12;
        var tasks = Enumerable.Range(0, InFlight).Select(i => c.SendAsync(0, stream: i % 3 != 0)).ToList();
        // The router's own gauge says when every call is upstream (the double records a call only when it ends).
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await PoolInFlightAsync(c) < InFlight)
        {
            Assert.True(DateTime.UtcNow < deadline, "the calls did not all reach the hosted pool");
            await Task.Delay(20);
        }

        var sw = Stopwatch.StartNew();
        await c.Routers[0].TerminateAsync(TimeSpan.FromSeconds(30));
        var calls = await Task.WhenAll(tasks);
        output.WriteLine($"SIGTERM with {InFlight} calls in flight: {calls.Count(x => x.Success)} finished, exit code {c.Routers[0].ExitCode} after {sw.ElapsedMilliseconds} ms");
        Assert.Equal(0, c.Routers[0].ExitCode);
        Assert.All(calls, x => Assert.True(x.Success, $"{x.Status} {x.Tier} {x.Route} {x.Body}"));
        var rows = await c.AssertInvariantsAsync();
        Assert.Equal(InFlight, rows.Count);
    }

    [SkippableFact]
    public async Task ClientCancel_MidStream_PartialBilledOnceAndReservationReleased()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var c = await RouterCluster.StartAsync(new ClusterOptions { Plan = ReplicaQuotaTests.Plan(budget: 10_000_000), Tiers = [TierNames.Hosted], RouterArgs = ["--redis-timeout-ms", "2000"] });
        c.Pool.Chunks = 40;
        c.Pool.Faults.ChunkDelay = TimeSpan.FromMilliseconds(40);
        var cancelled = new List<string>();
        for (var n = 0; n < 3; n++)
        {
            var id = "fn-cancel-" + Guid.NewGuid().ToString("N");
            cancelled.Add(id);
            using var cts = new CancellationTokenSource();
            using var req = new HttpRequestMessage(HttpMethod.Post, new Uri(c.Routers[0].BaseUrl + "/v1/chat/completions"))
            {
                Content = new StringContent($"{{\"model\":\"{RouterCluster.Model}\",\"max_tokens\":100,\"stream\":true,\"messages\":[{{\"role\":\"user\",\"content\":\"Tell me a long story.\"}}]}}", Encoding.UTF8, "application/json"),
            };
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RouterCluster.Key);
            req.Headers.Add("X-Request-Id", id);
            using (var resp = await c.Client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, cts.Token))
            {
                Assert.Equal(200, (int)resp.StatusCode);
                await using var body = await resp.Content.ReadAsStreamAsync(cts.Token);
                using var reader = new StreamReader(body);
                var events = 0;
                while (events < 4 && await reader.ReadLineAsync(cts.Token) is { } line)
                {
                    events += line.StartsWith("data: ", StringComparison.Ordinal) ? 1 : 0;
                }

                Assert.Equal(4, events);
                await cts.CancelAsync();
            }

            // The router cancels the upstream call: the double sees its caller leave before the answer ends.
            await WaitUntilAsync(() => c.Pool.Calls.Any(r => r.RequestId == id), TimeSpan.FromSeconds(10));
            var upstream = c.Pool.Calls.Single(r => r.RequestId == id);
            Assert.True(upstream.Cancelled && !upstream.Completed, $"upstream call not cancelled: completed {upstream.Completed}");
        }

        var rows = await LedgerReader.WaitForRowsAsync(c.LedgerPaths, cancelled, TimeSpan.FromSeconds(10));
        foreach (var id in cancelled)
        {
            var mine = rows.Where(r => r.RequestId == id).ToList();
            Assert.True(mine.Count == 1, $"cancelled call {id} has {mine.Count} ledger rows");
            Assert.True(mine[0].Partial && mine[0].Estimated, "a cancelled stream is billed as partial and estimated (no usage chunk arrived)");
            Assert.InRange(mine[0].TokensOut, 3, 39);
        }

        await c.AssertInvariantsAsync();
        var q = await c.ReadQuotaAsync();
        var billed = rows.Where(r => cancelled.Contains(r.RequestId)).Sum(r => r.TokensIn + r.TokensOut);
        output.WriteLine($"3 client cancels mid-stream: ledger rows {rows.Count} (partial), billed tokens {billed}, Redis spent {q.Spent} reserved {q.Reserved}");
        Assert.Equal(billed, q.Spent);
    }

    [SkippableFact]
    public async Task RedisPaused_WhileServing_NoHangPolicyHoldsThenRecovers()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var c = await RouterCluster.StartAsync(new ClusterOptions
        {
            Replicas = 2,
            Plan = ReplicaQuotaTests.Plan(budget: 10_000_000),
            // Compensating releases queued during the pause drain only on later admissions (16 at a time); with no
            // further traffic the server reclaims what is left after the reservation TTL, which I3 then observes.
            RouterArgs = ["--reservation-ttl-seconds", "4"],
            PerReplicaArgs = [["--redis-failure-mode", "FailClosed"], ["--redis-failure-mode", "FailOpen"]],
        });
        // Both replicas admit on Hosted before the pause. Eventually, not on the first call: on a loaded machine a
        // cold replica's first Redis call can pass the 250 ms timeout and fall through, which is the policy working.
        var warm = new bool[2];
        var warmUntil = DateTime.UtcNow.AddSeconds(20);
        ClientCall? last = null;
        for (var i = 0; !(warm[0] && warm[1]) && DateTime.UtcNow < warmUntil; i++)
        {
            last = await c.SendAsync(i % 2);
            Assert.True(last.Success, $"{last.Status} {last.Tier} {last.Route}");
            warm[i % 2] |= last.Tier == TierNames.Hosted;
        }

        Assert.True(warm[0] && warm[1], $"no Hosted admission before the pause: {last?.Status} {last?.Tier} {last?.Route}");
        c.Redis.Pause();
        List<ClientCall> paused;
        try
        {
            paused = [.. await Task.WhenAll(Enumerable.Range(0, 12).Select(i => c.SendAsync(i % 2, stream: i % 3 == 0)))];
        }
        finally
        {
            c.Redis.Resume();
        }

        var slowest = paused.Max(x => x.Elapsed);
        var closed = paused.Where((_, i) => i % 2 == 0).ToList();
        var open = paused.Where((_, i) => i % 2 == 1).ToList();
        output.WriteLine($"Redis SIGSTOPped: slowest call {slowest.TotalMilliseconds:F0} ms (Redis timeout 250 ms); fail-closed replica: {RouterCluster.Describe(closed)}; fail-open replica: {RouterCluster.Describe(open)}");
        Assert.All(paused, x => Assert.True(x.Success, $"{x.Status} {x.Tier} {x.Route}"));
        Assert.True(slowest < TimeSpan.FromSeconds(5), $"a call took {slowest} while Redis was paused");

        // Fail-closed never admits without the store: the call falls through to the next tier. Fail-open admits.
        Assert.All(closed, x => Assert.Equal(TierNames.External, x.Tier));
        Assert.All(closed, x => Assert.Contains(QuotaRefusalReasons.QuotaStoreUnavailable, RouterCluster.RefusalReasons(x.Route)));
        Assert.All(open, x => Assert.Equal(TierNames.Hosted, x.Tier));

        // Recovery: after SIGCONT (and the breaker's open period) both replicas admit on Hosted again.
        var recovered = new bool[2];
        var until = DateTime.UtcNow.AddSeconds(20);
        for (var i = 0; !(recovered[0] && recovered[1]) && DateTime.UtcNow < until; i++)
        {
            var call = await c.SendAsync(i % 2);
            recovered[i % 2] |= call.Tier == TierNames.Hosted;
            await Task.Delay(100);
        }

        Assert.True(recovered[0] && recovered[1], $"hosted admission did not recover: fail-closed {recovered[0]}, fail-open {recovered[1]}");
        await c.AssertInvariantsAsync();
    }

    [SkippableFact]
    public async Task Coding_OwnGpuDownAndHostedUnavailable_503_NeverExternal()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        await using var c = await RouterCluster.StartAsync(new ClusterOptions
        {
            OwnGpu = true,
            // Smaller than any reservation: the hosted tier refuses every call (quota exhausted).
            Plan = ReplicaQuotaTests.Plan(budget: 10),
            Tiers = [TierNames.OwnGpu, TierNames.Hosted, TierNames.External],
            RouterArgs = ["--redis-timeout-ms", "2000"],
        });
        await c.Own.StopAsync();

        // Own GPU refuses connections and the hosted quota is exhausted: 503 listing both attempts (router.md: 429 only
        // when the quota is the whole story, not when capacity is also down), never the external tier.
        var quota = await c.SendAsync(0, requestClass: "coding");
        var chat = await c.SendAsync(0, requestClass: "chat");

        // Own GPU down and the hosted pool down too (quota available again after a config reload): 503.
        await c.Pool.StopAsync();
        await c.UpdatePlanAsync(ReplicaQuotaTests.Plan(budget: 10_000_000));
        var until = DateTime.UtcNow.AddSeconds(15);
        var down = await c.SendAsync(0, requestClass: "coding", stream: true);
        while (down.Route.Contains("QuotaExceeded", StringComparison.Ordinal) && DateTime.UtcNow < until)
        {
            await Task.Delay(200);
            down = await c.SendAsync(0, requestClass: "coding", stream: true);
        }

        output.WriteLine($"coding, own GPU down + hosted quota exhausted: {quota.Status} ({quota.Route}); same for chat: {chat.Status} {chat.Tier}; coding, own GPU + hosted pool down: {down.Status} ({down.Route})");
        Assert.Equal(503, quota.Status);
        Assert.Contains("no_backend_available", quota.Body, StringComparison.Ordinal);
        Assert.Contains("QuotaExceeded", quota.Route, StringComparison.Ordinal);
        Assert.DoesNotContain(TierNames.External, quota.Route, StringComparison.Ordinal);
        Assert.True(chat.Success && chat.Tier == TierNames.External, "the external tier is up and serves chat");
        Assert.Equal(503, down.Status);
        Assert.Contains("no_backend_available", down.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(TierNames.External, down.Route, StringComparison.Ordinal);
        await c.AssertInvariantsAsync();
        Assert.Single(c.OpenAI.Calls);
    }

    // What the killed router left in its outbox, counted by the ledger's own reader of the segment files (framing and
    // checksums, a cut last record not counted). Opening it writes nothing to the outbox.
    private static long OutboxRows(string ledgerPath)
    {
        using var ledger = new Daalu.Gateway.Metering.SqliteLedger(
            new Daalu.Gateway.GatewayOptions { LedgerPath = ledgerPath },
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Daalu.Gateway.Metering.SqliteLedger>.Instance);
        return ledger.OutboxDepth();
    }

    private static async Task<double> PoolInFlightAsync(RouterCluster c)
    {
        var text = await c.Client.GetStringAsync(new Uri(c.Routers[0].BaseUrl + "/metrics"));
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("daalu_router_backend_in_flight{backend=\"pool-1\"}", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(20);
        }
    }
}
