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
/// Three router processes on one PostgreSQL ledger and one Redis ("A rollout, rescheduling or deletion of every router
/// pod", "Redis restarted without its data" in RELIABILITY.md): usage, spend and credits survive every pod going away
/// and every replica answers the same numbers.
/// </summary>
public sealed class SharedLedgerTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task ThreeReplicasOnPostgres_AllKilledMidLoadAndRestarted_UsageSpendCreditsKeptAndIdentical()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        Skip.If(PostgresServer.SkipReason is not null, PostgresServer.SkipReason);
        await using var c = await RouterCluster.StartAsync(new ClusterOptions
        {
            Replicas = 3,
            Postgres = true,
            SharedPool = true,
            Plan = ReplicaQuotaTests.Plan(budget: 10_000_000),
            // Reservations of calls in flight when the processes die are reclaimed by Redis after this TTL (I3).
            RouterArgs = ["--reservation-ttl-seconds", "3", "--redis-timeout-ms", "2000"],
        });
        c.Pool.Faults.ChunkDelay = TimeSpan.FromMilliseconds(20);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Phase(string name) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s  {name}");
        Phase($"cluster ready (routers started in {c.StartupTime.TotalSeconds:F1} s)");

        // Load on all three replicas, then every process SIGKILLed at once while calls are in flight.
        using var stop = new CancellationTokenSource();
        var successes = 0;
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var call = await c.SendAsync((w + i) % 3, stream: (i + w) % 2 == 0);
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
        while (Volatile.Read(ref successes) < 45 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await Task.WhenAll(c.Routers.Select(r => r.KillAsync()));
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        var seen = c.Calls.Where(x => x.Success).Select(x => x.RequestId).ToHashSet(StringComparer.Ordinal);
        var rowsAtKill = c.ReadLedger().Count;

        Phase("all killed");

        // Every pod comes back (a rollout, a rescheduling): each flushes what its outbox holds.
        await Task.WhenAll(c.Routers.Select(r => r.StartProcessAsync(c.Client)));

        Phase("all restarted");
        var rows = await c.AssertInvariantsAsync(strict: false); // I1-I4 over the shared ledger
        Phase("invariants checked");
        Assert.True(seen.Count >= 45, $"only {seen.Count} successes before the kill");
        Assert.Equal(seen.Count, rows.Count(r => seen.Contains(r.RequestId)));
        Assert.Equal(rows.Count, rows.Select(r => (r.RequestId, r.Attempt)).Distinct().Count());

        var first = await SnapshotAsync(c);
        var hostedLedger = rows.Where(r => r.Tier == TierNames.Hosted && r.Tenant == RouterCluster.Tenant).Sum(r => r.TokensIn + r.TokensOut);
        var q = await c.ReadQuotaAsync();

        // A call can settle in Redis and die before its record reaches the outbox: the counter may be ahead of the
        // ledger by such calls (the pool completed them, no row exists), never behind it.
        var recorded = rows.Select(r => r.RequestId).ToHashSet(StringComparer.Ordinal);
        var unrecorded = c.Pool.Calls.Where(x => x.Completed && !recorded.Contains(x.RequestId)).Sum(x => x.ReportedPromptTokens + x.ReportedCompletionTokens);
        output.WriteLine($"3 replicas on PostgreSQL, all SIGKILLed after {seen.Count} client-visible successes ({c.Calls.Count(x => !x.Success)} calls cut); {rowsAtKill} rows in PostgreSQL at the kill, {rows.Count} after restart; quota used {first.QuotaUsed} on every replica, hosted ledger {hostedLedger}, Redis spent {q.Spent} (unrecorded completed upstream {unrecorded}); credits {first.Credits}");
        Assert.Equal(hostedLedger, first.QuotaUsed);
        Assert.InRange(q.Spent, hostedLedger, hostedLedger + unrecorded);
        Assert.True(first.CreditsTotal > 0, "the contributed card earned no credits");

        // Every pod goes away again, gracefully this time, with no traffic: the books do not move.
        await Task.WhenAll(c.Routers.Select(r => r.TerminateAsync(TimeSpan.FromSeconds(30))));
        await Task.WhenAll(c.Routers.Select(r => r.StartProcessAsync(c.Client)));

        Phase("terminated and restarted");
        var second = await SnapshotAsync(c);
        Assert.Equal(first, second);
        Assert.Equal(q.Spent, (await c.ReadQuotaAsync()).Spent);

        // Redis loses its data: the next admission rebuilds the period's spend from the shared ledger first.
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(c.Redis.Url + ",allowAdmin=true"))
        {
            await admin.GetServer(c.Redis.Url).FlushAllDatabasesAsync();
        }

        var after = await c.SendAsync(1);
        Assert.True(after.Success && after.Tier == TierNames.Hosted, $"{after.Status} {after.Tier} {after.Route}");
        var all = await LedgerReader.WaitForRowsAsync(c.ReadLedger, [after.RequestId], TimeSpan.FromSeconds(10));
        var rebuilt = (await c.ReadQuotaAsync()).Spent;
        var hostedNow = all.Where(r => r.Tier == TierNames.Hosted && r.Tenant == RouterCluster.Tenant).Sum(r => r.TokensIn + r.TokensOut);
        output.WriteLine($"after FLUSHALL and one call: Redis spent {rebuilt}, hosted ledger {hostedNow}");
        Assert.Equal(hostedNow, rebuilt);
    }

    // What the usage API answers on each replica; they must all answer the same.
    private static async Task<Snapshot> SnapshotAsync(RouterCluster c)
    {
        var answers = new List<Snapshot>();
        foreach (var r in c.Routers)
        {
            var tenant = await GetAsync(c, r, RouterCluster.Key, "/v1/usage?days=2");
            var admin = await GetAsync(c, r, RouterCluster.AdminKey, "/v1/usage?days=2");
            using var t = JsonDocument.Parse(tenant);
            using var a = JsonDocument.Parse(admin);
            var quota = t.RootElement.GetProperty("quota");
            var credits = a.RootElement.GetProperty("providerCredits");
            answers.Add(new Snapshot(
                tenant,
                admin,
                quota.GetProperty("used").GetInt64(),
                credits.GetProperty("total").GetDecimal(),
                credits.GetRawText()));
        }

        Assert.All(answers, x => Assert.Equal(answers[0], x));
        return answers[0];
    }

    private static async Task<string> GetAsync(RouterCluster c, RouterProcess r, string key, string path)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, new Uri(r.BaseUrl + path));
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var resp = await c.Client.SendAsync(req);
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.IsSuccessStatusCode, $"{path} on {r}: {(int)resp.StatusCode} {body}");
        return body;
    }

    private sealed record Snapshot(string TenantUsage, string AdminUsage, long QuotaUsed, decimal CreditsTotal, string Credits);
}
