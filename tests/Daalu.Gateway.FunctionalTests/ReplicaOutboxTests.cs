using System.Net.Http.Headers;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Gateway.FunctionalTests.Infrastructure;
using Daalu.Gateway.Tests;
using Daalu.TestDoubles.Redis;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace Daalu.Gateway.FunctionalTests;

/// <summary>
/// A router replica's outbox (the records not yet in the shared PostgreSQL ledger) when the pod goes away while
/// PostgreSQL is down (issue 16, the last gap; RELIABILITY.md "Ledger store down, or SIGTERM during a rolling update").
/// Real router processes, a real PostgreSQL 15 and a real redis-server. Until this change the operator put the outbox
/// on an emptyDir, which Kubernetes deletes with the pod: whatever the outbox held at that moment was gone.
/// <list type="bullet">
/// <item>The claim: the operator now runs the router as a StatefulSet, so the same ordinal comes back on the same
/// volume. Here the process is SIGKILLed (no shutdown code: a pod killed past its grace period or a lost node), its
/// directory is kept, PostgreSQL comes back before the router does and holds none of the records, and a new process on
/// the same directory writes every one of them once.</item>
/// <item>The parking: a replica removed by a scale-down is not coming back for its claim. On SIGTERM with PostgreSQL
/// down and Redis up it parks its outbox in Redis and empties it; the directory is then deleted (the claim deleted),
/// and another replica writes the parked records into PostgreSQL once it is back. On the old router the records
/// stayed in that directory and were lost with it.</item>
/// </list>
/// Both check I1 (one row per success, unique on (request id, attempt)) and that usage is counted once: the quota
/// every replica reports from the ledger equals the hosted tokens of the rows, and Redis spend equals it too.
/// </summary>
public sealed class ReplicaOutboxTests(ITestOutputHelper output)
{
    private const int CallsDuringOutage = 8;

    [SkippableFact]
    public async Task KilledWhilePostgresDown_NewProcessOnTheSameOutboxDirectory_WritesEveryRecordOnce()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        Skip.If(PostgresServer.SkipReason is not null, PostgresServer.SkipReason);
        await using var c = await RouterCluster.StartAsync(new ClusterOptions { Replicas = 1, Postgres = true, RouterArgs = ["--redis-timeout-ms", "2000"] });
        var before = await SucceedAsync(c, 0, 3);
        await LedgerReader.WaitForRowsAsync(c.ReadLedger, before, TimeSpan.FromSeconds(15));

        await c.Postgres!.StopAsync(immediate: true);
        var during = await SucceedAsync(c, 0, CallsDuringOutage);
        var router = c.Routers[0];
        Assert.NotEmpty(OutboxSegments(router));

        await router.KillAsync();
        await c.Postgres.StartProcessAsync();

        // Nothing of the outage reached PostgreSQL: the records exist only in the outbox directory, which an emptyDir
        // would have taken with the pod.
        Assert.DoesNotContain(c.ReadLedger(), r => during.Contains(r.RequestId));

        await router.StartProcessAsync(c.Client);
        var rows = await c.AssertInvariantsAsync();
        Assert.All(during, id => Assert.Single(rows, r => r.RequestId == id));
        Assert.Empty(OutboxSegments(router));
        await AssertCountedOnceAsync(c, rows);
        output.WriteLine($"{during.Count} calls during the outage: 0 rows in PostgreSQL after the kill, {rows.Count(r => during.Contains(r.RequestId))} after the restart on the same directory");
    }

    [SkippableFact]
    public async Task TerminatedWhilePostgresDown_ParkedInRedis_AnotherReplicaWritesEveryRecordOnce()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        Skip.If(PostgresServer.SkipReason is not null, PostgresServer.SkipReason);
        await using var c = await RouterCluster.StartAsync(new ClusterOptions { Replicas = 2, Postgres = true, RouterArgs = ["--redis-timeout-ms", "2000"] });
        var before = (await SucceedAsync(c, 0, 2)).Concat(await SucceedAsync(c, 1, 2)).ToList();
        await LedgerReader.WaitForRowsAsync(c.ReadLedger, before, TimeSpan.FromSeconds(15));

        await c.Postgres!.StopAsync(immediate: true);
        var during = await SucceedAsync(c, 0, CallsDuringOutage);
        var leaving = c.Routers[0];
        Assert.NotEmpty(OutboxSegments(leaving));

        // The scale-down: SIGTERM, as the kubelet sends it. The last flush fails at once (connection refused), so the
        // outbox goes to Redis and the directory is emptied.
        await leaving.TerminateAsync(TimeSpan.FromSeconds(40));
        Assert.Equal(0, leaving.ExitCode);
        Assert.Empty(OutboxSegments(leaving));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(c.Redis.Url);
        var parkedKey = new GatewayOptions().ParkedOutboxKey; // one field per (request id, attempt); first attempts are 1
        var parked = await redis.GetDatabase().HashKeysAsync(parkedKey);
        Assert.Equal(during.Select(id => id + "\n1").Order(StringComparer.Ordinal), parked.Select(k => k.ToString()).Order(StringComparer.Ordinal));

        // The claim is deleted with the replica: nothing of it is left to drain.
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(leaving.LedgerPath)!, Path.GetFileName(leaving.LedgerPath) + "*"))
        {
            File.Delete(file);
        }

        await c.Postgres.StartProcessAsync();
        var rows = await LedgerReader.WaitForRowsAsync(c.ReadLedger, during, TimeSpan.FromSeconds(30));
        Assert.All(during, id => Assert.Single(rows, r => r.RequestId == id));
        await WaitAsync(async () => await redis.GetDatabase().HashLengthAsync(parkedKey) == 0, TimeSpan.FromSeconds(10), "parked records removed after the ledger commit");

        c.Routers.RemoveAt(0); // scaled away: the checks below ask the replica that is left
        await leaving.DisposeAsync();
        rows = await c.AssertInvariantsAsync();
        await AssertCountedOnceAsync(c, rows);
        output.WriteLine($"{during.Count} calls during the outage parked by the stopped replica, written by the other: {rows.Count(r => during.Contains(r.RequestId))} rows");
    }

    private static async Task<List<string>> SucceedAsync(RouterCluster c, int replica, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var call = await c.SendAsync(replica, stream: i % 2 == 1);
            Assert.True(call.Success && call.Tier == TierNames.Hosted, $"{call.Status} {call.Tier} {call.Route} {call.Body}");
            ids.Add(call.RequestId);
        }

        return ids;
    }

    private static List<string> OutboxSegments(RouterProcess router) =>
        [.. Directory.EnumerateFiles(Path.GetDirectoryName(router.LedgerPath)!, Path.GetFileName(router.LedgerPath) + ".outbox.*.log")];

    // Usage counted once: every replica's quota (read from the shared ledger) and the Redis spend equal the hosted
    // tokens of the ledger's rows, each call's row written once.
    private static async Task AssertCountedOnceAsync(RouterCluster c, IReadOnlyList<LedgerRow> rows)
    {
        var hosted = rows.Where(r => r.Tier == TierNames.Hosted && r.Tenant == RouterCluster.Tenant).Sum(r => r.TokensIn + r.TokensOut);
        foreach (var r in c.Routers)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, new Uri(r.BaseUrl + "/v1/usage?days=2"));
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RouterCluster.Key);
            using var resp = await c.Client.SendAsync(req);
            using var body = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
            Assert.Equal(hosted, body.RootElement.GetProperty("quota").GetProperty("used").GetInt64());
        }

        Assert.Equal(hosted, (await c.ReadQuotaAsync()).Spent);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
