using Daalu.TestDoubles.Redis;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Gateway.Tests;

/// <summary>
/// Fail-open spend under a paused Redis, against a real redis-server paused with SIGSTOP. A paused Redis keeps what
/// arrives on its sockets and runs it on SIGCONT (the kernel buffers the bytes; redis-server reads them when it runs
/// again), so a command the gate gave up on after its timeout may still execute: retrying it must change nothing.
/// </summary>
public sealed class RedisFailOpenSpendTests : RedisGateTestBase
{
    private readonly TempDir _dir = new();

    protected override void DisposeMore() => _dir.Dispose();

    // Defect: the add-spend of a fail-open call was queued for retry after its timeout, Redis ran the original on
    // resume and the retry added it again (+24 tokens per call).
    [SkippableFact]
    public async Task SettleAsync_FailOpenCallFinishesWhileRedisPaused_SpendCountedOnceAfterReplay()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var gate = Gate();
        var reader = Gate();
        var plan = Plans.Of(Tenant, budget: 100_000);
        await SpendAsync(gate, plan, 10); // metered, so the period is known to Redis

        Server!.Pause();
        try
        {
            var open = await gate.ReserveAsync(plan, 100, CancellationToken.None);
            Assert.True(open.Admitted);
            await gate.SettleAsync(open.Reservation!, 24, CancellationToken.None); // times out: sent, not answered
            Assert.True(gate.PendingRetries >= 1);
        }
        finally
        {
            Server.Resume();
        }

        // Traffic goes on: a later admission on the same replica (which also drains the retry queue).
        var deadline = DateTime.UtcNow.AddSeconds(15);
        Admission next;
        do
        {
            Time.Advance(TimeSpan.FromSeconds(6));
            await Task.Delay(50);
            next = await gate.ReserveAsync(plan, 1, CancellationToken.None);
        }
        while ((!next.Admitted || next.Reservation!.Id.StartsWith("unmetered-", StringComparison.Ordinal)) && DateTime.UtcNow < deadline);
        await gate.ReleaseAsync(next.Reservation!, CancellationToken.None);
        await WaitDrainedAsync(gate);
        Assert.Equal((34L, 0L), await reader.ReadAsync(Tenant, "2026-11"));
    }

    // Defect: charges that could not reach Redis drained only after a later successful admission.
    [SkippableFact]
    public async Task SettleAsync_FailOpenThenTrafficStops_SpendReachesRedisWithoutAnotherCall()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var gate = Gate(breakerThreshold: 1);
        var reader = Gate();
        var plan = Plans.Of(Tenant, budget: 100_000);
        await SpendAsync(gate, plan, 10); // the period is known to Redis before the pause
        Server!.Pause();
        try
        {
            var open = await gate.ReserveAsync(plan, 100, CancellationToken.None); // opens the breaker
            Assert.True(open.Admitted);
            await gate.SettleAsync(open.Reservation!, 700, CancellationToken.None); // refused by the open breaker: never sent
        }
        finally
        {
            Server.Resume();
        }

        // No further call on this gate: only a background drain can deliver the charge.
        var spent = await WaitSpentAsync(reader, 710);
        Assert.Equal(710L, spent);
        Assert.Equal(0, gate.PendingRetries);
    }

    // Defect: the queue lived only in memory and was lost for good when the replica stopped.
    [SkippableFact]
    public async Task DisposeAsync_FailOpenSpendUndelivered_NextStartDeliversItOnce()
    {
        Skip.If(Server is null, RedisServer.MissingReason);
        var gate = Gate(breakerThreshold: 1);
        var plan = Plans.Of(Tenant, budget: 100_000);
        await SpendAsync(gate, plan, 10); // the period is known to Redis before the pause
        Server!.Pause();
        try
        {
            var open = await gate.ReserveAsync(plan, 100, CancellationToken.None);
            Assert.True(open.Admitted);
            await gate.SettleAsync(open.Reservation!, 650, CancellationToken.None);
            await gate.DisposeAsync(); // the replica stops while Redis is still unreachable
        }
        finally
        {
            Server.Resume();
        }

        var next = Gate(); // the same replica, started again with the same ledger directory
        var reader = Gate();
        Assert.Equal(660L, await WaitSpentAsync(reader, 660));
        await WaitDrainedAsync(next);
        Assert.Equal((660L, 0L), await reader.ReadAsync(Tenant, "2026-11"));
        Assert.False(File.Exists(_dir.File("ledger.db.outbox.counters")), "the durable file is removed once everything in it was delivered");
    }

    private static async Task SpendAsync(RedisQuotaGate gate, TenantPlan plan, long tokens)
    {
        var a = await gate.ReserveAsync(plan, 100, CancellationToken.None);
        Assert.True(a.Admitted);
        await gate.SettleAsync(a.Reservation!, tokens, CancellationToken.None);
    }

    private async Task WaitDrainedAsync(RedisQuotaGate gate)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (gate.PendingRetries > 0 && DateTime.UtcNow < deadline)
        {
            Time.Advance(TimeSpan.FromSeconds(6)); // past the breaker's open period and any backoff
            await Task.Delay(50);
        }

        Assert.Equal(0, gate.PendingRetries);
    }

    private async Task<long> WaitSpentAsync(RedisQuotaGate reader, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        long spent;
        do
        {
            Time.Advance(TimeSpan.FromSeconds(6));
            await Task.Delay(50);
            spent = (await reader.ReadAsync(Tenant, "2026-11"))?.Spent ?? -1;
        }
        while (spent != expected && DateTime.UtcNow < deadline);

        return spent;
    }

    private RedisQuotaGate Gate(int breakerThreshold = 3) => ConnectedGate(new GatewayOptions
    {
        RedisTimeout = TimeSpan.FromMilliseconds(300),
        RedisFailureMode = RedisFailureMode.FailOpen,
        BreakerFailureThreshold = breakerThreshold,
        BreakerOpenDuration = TimeSpan.FromSeconds(5),
        LedgerPath = _dir.File("ledger.db"),
        CounterOutboxPath = _dir.File("ledger.db.outbox.counters"),
    });
}
