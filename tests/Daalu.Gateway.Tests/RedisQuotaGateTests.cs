using Daalu.TestDoubles.Redis;
using System.Diagnostics;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Gateway.Tests;

/// <summary>The Redis quota gate against a real redis-server; several gate instances stand for router replicas.</summary>
public sealed class RedisQuotaGateTests : RedisGateTestBase
{
    [SkippableFact]
    public async Task ReserveAsync_ThreeReplicasWithRpm_AtMostRAdmissionsInTotal()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var replicas = Replicas(3);
        var plan = Plans.Of(Tenant, rpm: 10);
        var admissions = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            replicas[i % 3].ReserveAsync(plan, 10, CancellationToken.None).AsTask()));
        Assert.Equal(10, admissions.Count(a => a.Admitted));
        Assert.All(admissions.Where(a => !a.Admitted), a => Assert.Equal(QuotaRefusalReasons.RequestsPerMinute, a.RefusalReason));

        // Releasing does not hand RPM slots back within the minute; the next minute starts fresh.
        foreach (var a in admissions.Where(a => a.Admitted))
        {
            await replicas[1].ReleaseAsync(a.Reservation!, CancellationToken.None);
        }

        Assert.False((await replicas[2].ReserveAsync(plan, 10, CancellationToken.None)).Admitted);
        Time.Advance(TimeSpan.FromMinutes(1));
        var next = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => replicas[i % 3].ReserveAsync(plan, 10, CancellationToken.None).AsTask()));
        Assert.Equal(10, next.Count(a => a.Admitted));
    }

    [SkippableFact]
    public async Task ReserveAsync_TpmAcrossReplicas_ReadsTheSharedCounter()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var replicas = Replicas(3);
        var plan = Plans.Of(Tenant, tpm: 5000);
        var first = await replicas[0].ReserveAsync(plan, 3000, CancellationToken.None);
        Assert.True(first.Admitted);
        var refused = await replicas[1].ReserveAsync(plan, 2500, CancellationToken.None);
        Assert.Equal(QuotaRefusalReasons.TokensPerMinute, refused.RefusalReason);
        Assert.Contains("2000 left", refused.Message, StringComparison.Ordinal);
        await replicas[2].SettleAsync(first.Reservation!, 1000, CancellationToken.None);
        Assert.True((await replicas[1].ReserveAsync(plan, 2500, CancellationToken.None)).Admitted);
    }

    [SkippableFact]
    public async Task ReserveAsync_200ParallelAcrossReplicasAtTheQuotaEdge_StopsAtTheQuotaAndReservedReturnsToZero()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var replicas = Replicas(3);
        var plan = Plans.Of(Tenant, budget: (37 * 1000) + 999);
        using var barrier = new Barrier(200);
        var admissions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Factory.StartNew(() =>
        {
            barrier.SignalAndWait();
            return replicas[i % 3].ReserveAsync(plan, 1000, CancellationToken.None).AsTask();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()));
        Assert.Equal(37, admissions.Count(a => a.Admitted)); // overshoot zero: the check and the reservation are one script
        Assert.Equal((0L, 37_000L), await replicas[0].ReadAsync(Tenant, "2026-11"));

        var settled = 0L;
        foreach (var (a, i) in admissions.Where(a => a.Admitted).Select((a, i) => (a, i)))
        {
            if (i % 2 == 0)
            {
                await replicas[(i + 1) % 3].SettleAsync(a.Reservation!, 400, CancellationToken.None);
                settled += 400;
            }

            await replicas[(i + 2) % 3].ReleaseAsync(a.Reservation!, CancellationToken.None); // release after settle: no effect
        }

        Assert.Equal((settled, 0L), await replicas[0].ReadAsync(Tenant, "2026-11")); // I3
    }

    [SkippableFact]
    public async Task SettleAsync_RepeatedOnOtherReplicas_IsIdempotent()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var replicas = Replicas(2);
        var a = await replicas[0].ReserveAsync(Plans.Of(Tenant), 5000, CancellationToken.None);
        await replicas[1].SettleAsync(a.Reservation!, 1234, CancellationToken.None);
        await replicas[0].SettleAsync(a.Reservation!, 1234, CancellationToken.None);
        await replicas[1].ReleaseAsync(a.Reservation!, CancellationToken.None);
        Assert.Equal((1234L, 0L), await replicas[0].ReadAsync(Tenant, "2026-11"));
    }

    [SkippableFact]
    public async Task ReserveAsync_ShadowMode_AdmitsOverBudgetAndStillCounts()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var gate = Replicas(1)[0];
        var plan = Plans.Of(Tenant, budget: 100, shadow: true);
        for (var i = 0; i < 3; i++)
        {
            var a = await gate.ReserveAsync(plan, 100, CancellationToken.None);
            Assert.True(a.Admitted);
            await gate.SettleAsync(a.Reservation!, 90, CancellationToken.None);
        }

        Assert.Equal((270L, 0L), await gate.ReadAsync(Tenant, "2026-11"));
    }

    [SkippableFact]
    public async Task ReserveAsync_ExpiredReservation_IsReclaimed()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var gate = Replicas(1, o => o.ReservationTtl = TimeSpan.FromMinutes(1))[0];
        var plan = Plans.Of(Tenant, budget: 1000);
        var lost = await gate.ReserveAsync(plan, 1000, CancellationToken.None); // the replica holding it "crashes"
        Assert.True(lost.Admitted);
        Assert.False((await gate.ReserveAsync(plan, 1, CancellationToken.None)).Admitted);
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.True((await gate.ReserveAsync(plan, 1000, CancellationToken.None)).Admitted);
        // Settled after its reservation was reclaimed: the spend still counts (the ledger bills it), once.
        await gate.SettleAsync(lost.Reservation!, 1000, CancellationToken.None);
        await gate.SettleAsync(lost.Reservation!, 1000, CancellationToken.None);
        Assert.Equal((1000L, 1000L), await gate.ReadAsync(Tenant, "2026-11"));
    }

    [SkippableFact]
    public async Task ReserveAsync_RedisPausedFailClosed_ReturnsWithinTimeoutRefusesThenRecovers()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var gate = Replicas(1, o => o.RedisFailureMode = RedisFailureMode.FailClosed)[0];
        var plan = Plans.Of(Tenant, budget: 100_000);
        var held = await gate.ReserveAsync(plan, 1000, CancellationToken.None);
        Assert.True(held.Admitted);

        Server!.Pause();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var watch = Stopwatch.StartNew();
                var a = await gate.ReserveAsync(plan, 1000, CancellationToken.None);
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2.5), $"reserve took {watch.Elapsed}");
                Assert.Equal(QuotaRefusalReasons.QuotaStoreUnavailable, a.RefusalReason);
            }

            Assert.True(gate.CircuitOpen);
            var quick = Stopwatch.StartNew();
            await gate.ReleaseAsync(held.Reservation!, CancellationToken.None); // queued for retry, no hang
            Assert.True(quick.Elapsed < TimeSpan.FromSeconds(2.5));
            Assert.True(gate.PendingRetries >= 1); // the release, plus compensations for the timed-out reserves
        }
        finally
        {
            Server.Resume();
        }

        Time.Advance(TimeSpan.FromSeconds(10)); // breaker lets a probe through
        var after = await WaitAdmittedAsync(gate, plan);
        Assert.True(after.Admitted);
        Assert.Equal(0, gate.PendingRetries);
        // The held reservation was released, and the reserves that timed out but still ran on the resumed server
        // were compensated: nothing leaks.
        Assert.Equal((0L, 0L), await gate.ReadAsync(Tenant, "2026-11"));
    }

    [SkippableFact]
    public async Task ReserveAsync_RedisPausedFailOpen_AdmitsUnmeteredAndCountsSpendWhenBack()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var gate = Replicas(1, o => o.RedisFailureMode = RedisFailureMode.FailOpen)[0];
        var plan = Plans.Of(Tenant, budget: 100_000);
        Admission a;
        Server!.Pause();
        try
        {
            var watch = Stopwatch.StartNew();
            a = await gate.ReserveAsync(plan, 1000, CancellationToken.None);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2.5));
            Assert.True(a.Admitted);
        }
        finally
        {
            Server.Resume();
        }

        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await WaitAdmittedAsync(gate, plan)).Admitted);
        await gate.SettleAsync(a.Reservation!, 700, CancellationToken.None);
        Assert.Equal((700L, 0L), await gate.ReadAsync(Tenant, "2026-11"));
    }

    [SkippableFact]
    public async Task ReserveAsync_RedisRestarted_CountersSurviveAndGateReconnects()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var gate = Replicas(1, o => o.RedisTimeout = TimeSpan.FromMilliseconds(500))[0];
        var plan = Plans.Of(Tenant, budget: 10_000);
        var a = await gate.ReserveAsync(plan, 4000, CancellationToken.None);
        await gate.SettleAsync(a.Reservation!, 3000, CancellationToken.None);
        var open = await gate.ReserveAsync(plan, 2000, CancellationToken.None);

        await Server!.StopAsync();
        var watch = Stopwatch.StartNew();
        var down = await gate.ReserveAsync(plan, 10, CancellationToken.None);
        // The gate's RedisTimeout is 500 ms and the client library's own default 5 s: under 4 s shows the refusal came
        // from the configured timeout, not a hang, with room for a CI machine running every test project at once
        // (one clean-clone run measured over 2 s there).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"refusal took {watch.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(QuotaRefusalReasons.QuotaStoreUnavailable, down.RefusalReason);
        await Server.StartProcessAsync();

        Time.Advance(TimeSpan.FromSeconds(10));
        var back = await WaitAdmittedAsync(gate, plan);
        Assert.True(back.Admitted);
        await gate.ReleaseAsync(back.Reservation!, CancellationToken.None);
        await gate.SettleAsync(open.Reservation!, 2000, CancellationToken.None);
        Assert.Equal((5000L, 0L), await gate.ReadAsync(Tenant, "2026-11"));
    }

    private async Task<Admission> WaitAdmittedAsync(RedisQuotaGate gate, TenantPlan plan)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var a = await gate.ReserveAsync(plan, 1, CancellationToken.None);
            if (a.Admitted || DateTime.UtcNow > deadline)
            {
                if (a.Admitted)
                {
                    // Probe reservations are released so they do not disturb the books the caller checks.
                    await gate.ReleaseAsync(a.Reservation!, CancellationToken.None);
                }

                return a;
            }

            Time.Advance(TimeSpan.FromSeconds(6));
            await Task.Delay(100);
        }
    }

    private List<RedisQuotaGate> Replicas(int count, Action<GatewayOptions>? configure = null) =>
        [.. Enumerable.Range(0, count).Select(_ =>
        {
            var options = new GatewayOptions
            {
                RedisTimeout = TimeSpan.FromMilliseconds(300),
                BreakerFailureThreshold = 3,
                BreakerOpenDuration = TimeSpan.FromSeconds(5),
            };
            configure?.Invoke(options);
            return ConnectedGate(options);
        })];
}
