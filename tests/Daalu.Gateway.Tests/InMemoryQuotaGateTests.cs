using CsCheck;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Quota;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Gateway.Tests;

public class InMemoryQuotaGateTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 5, TimeSpan.Zero);

    [Fact]
    public async Task ReserveAsync_200ParallelAtTheQuotaEdge_AdmitsExactlyWhatFitsAndReservedReturnsToZero()
    {
        // Budget for exactly 37 reservations of 1000 tokens, plus 999 that fit none.
        const long size = 1000;
        var time = new FakeTimeProvider(Start);
        var gate = new InMemoryQuotaGate(time);
        var plan = Plans.Of(budget: (37 * size) + 999);
        using var barrier = new Barrier(200);
        var tasks = Enumerable.Range(0, 200).Select(_ => Task.Factory.StartNew(async () =>
        {
            barrier.SignalAndWait();
            var admission = await gate.ReserveAsync(plan, size, CancellationToken.None);
            if (!admission.Admitted)
            {
                Assert.Equal(QuotaRefusalReasons.QuotaExceeded, admission.RefusalReason);
                return -1L;
            }

            try
            {
                // Half the calls use less than reserved, half are cancelled/failed and only released.
                if (admission.Reservation!.Id[0] % 2 == 0)
                {
                    await gate.SettleAsync(admission.Reservation, 600, CancellationToken.None);
                    return 600L;
                }

                return 0L;
            }
            finally
            {
                await gate.ReleaseAsync(admission.Reservation!, CancellationToken.None);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToArray();
        var spent = await Task.WhenAll(tasks);

        // Calls finish at different times, so later ones may fit in what earlier ones returned; what must hold is
        // that no more than 37 were ever open at once (checked in the held-open test) and the books balance.
        Assert.InRange(spent.Count(s => s >= 0), 37, 200);
        var usage = gate.GetUsage("acme", "2026-11");
        Assert.Equal(0, usage.Reserved); // I3
        Assert.Equal(spent.Where(s => s > 0).Sum(), usage.Spent);
        Assert.True(usage.Spent <= plan.MonthlyTokenBudget);
    }

    [Fact]
    public async Task ReserveAsync_200ParallelHeldOpen_AdmissionsStopAtTheQuota()
    {
        var gate = new InMemoryQuotaGate(new FakeTimeProvider(Start));
        var plan = Plans.Of(budget: 50_000);
        using var barrier = new Barrier(200);
        var admissions = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Factory.StartNew(() =>
        {
            barrier.SignalAndWait();
            return gate.ReserveAsync(plan, 1000, CancellationToken.None).AsTask();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()));

        Assert.Equal(50, admissions.Count(a => a.Admitted)); // zero overshoot in-process
        Assert.Equal(50_000, gate.GetUsage("acme", "2026-11").Reserved);
        foreach (var a in admissions.Where(a => a.Admitted))
        {
            await gate.ReleaseAsync(a.Reservation!, CancellationToken.None);
        }

        Assert.Equal(0, gate.GetUsage("acme", "2026-11").Reserved);
    }

    [Fact]
    public async Task SettleAsync_ActualBelowReservation_SpendsActualAndReturnsTheRest()
    {
        var gate = new InMemoryQuotaGate(new FakeTimeProvider(Start));
        var plan = Plans.Of(budget: 10_000, tpm: 5000);
        var a = await gate.ReserveAsync(plan, 4000, CancellationToken.None);
        Assert.Equal(new QuotaUsage(0, 4000, 4000, 1), gate.GetUsage("acme", "2026-11"));
        await gate.SettleAsync(a.Reservation!, 1500, CancellationToken.None);
        Assert.Equal(new QuotaUsage(1500, 0, 1500, 1), gate.GetUsage("acme", "2026-11"));
    }

    [Fact]
    public async Task SettleAndRelease_Repeated_AreIdempotent()
    {
        var gate = new InMemoryQuotaGate(new FakeTimeProvider(Start));
        var plan = Plans.Of(budget: 10_000);
        var a = await gate.ReserveAsync(plan, 1000, CancellationToken.None);
        await gate.SettleAsync(a.Reservation!, 700, CancellationToken.None);
        await gate.SettleAsync(a.Reservation!, 700, CancellationToken.None);
        await gate.ReleaseAsync(a.Reservation!, CancellationToken.None);
        var b = await gate.ReserveAsync(plan, 1000, CancellationToken.None);
        await gate.ReleaseAsync(b.Reservation!, CancellationToken.None);
        await gate.ReleaseAsync(b.Reservation!, CancellationToken.None);
        await gate.SettleAsync(b.Reservation!, 900, CancellationToken.None); // after release: no effect
        Assert.Equal(700, gate.GetUsage("acme", "2026-11").Spent);
        Assert.Equal(0, gate.GetUsage("acme", "2026-11").Reserved);
    }

    [Fact]
    public async Task ReleaseAsync_WithCancelledToken_StillReleases()
    {
        var gate = new InMemoryQuotaGate(new FakeTimeProvider(Start));
        var a = await gate.ReserveAsync(Plans.Of(), 1000, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await gate.ReleaseAsync(a.Reservation!, cts.Token);
        Assert.Equal(0, gate.GetUsage("acme", "2026-11").Reserved);
    }

    [Fact]
    public async Task ReserveAsync_RequestsPerMinute_RefusesThenAdmitsInTheNextMinute()
    {
        var time = new FakeTimeProvider(Start);
        var gate = new InMemoryQuotaGate(time);
        var plan = Plans.Of(rpm: 3);
        for (var i = 0; i < 3; i++)
        {
            var ok = await gate.ReserveAsync(plan, 10, CancellationToken.None);
            await gate.ReleaseAsync(ok.Reservation!, CancellationToken.None); // released requests still count for RPM
        }

        var refused = await gate.ReserveAsync(plan, 10, CancellationToken.None);
        Assert.Equal(QuotaRefusalReasons.RequestsPerMinute, refused.RefusalReason);
        time.Advance(TimeSpan.FromSeconds(55));
        Assert.True((await gate.ReserveAsync(plan, 10, CancellationToken.None)).Admitted);
    }

    [Fact]
    public async Task ReserveAsync_TokensPerMinute_CountsSettledActualNotReservation()
    {
        var gate = new InMemoryQuotaGate(new FakeTimeProvider(Start));
        var plan = Plans.Of(tpm: 1000);
        var a = await gate.ReserveAsync(plan, 900, CancellationToken.None);
        Assert.Equal(QuotaRefusalReasons.TokensPerMinute, (await gate.ReserveAsync(plan, 200, CancellationToken.None)).RefusalReason);
        await gate.SettleAsync(a.Reservation!, 300, CancellationToken.None);
        Assert.True((await gate.ReserveAsync(plan, 700, CancellationToken.None)).Admitted);
    }

    [Fact]
    public async Task ReserveAsync_ShadowMode_NeverRefusesButMeasures()
    {
        var gate = new InMemoryQuotaGate(new FakeTimeProvider(Start));
        var plan = Plans.Of(budget: 100, rpm: 1, shadow: true);
        for (var i = 0; i < 5; i++)
        {
            var a = await gate.ReserveAsync(plan, 100, CancellationToken.None);
            Assert.True(a.Admitted);
            await gate.SettleAsync(a.Reservation!, 100, CancellationToken.None);
        }

        Assert.Equal(500, gate.GetUsage("acme", "2026-11").Spent);
    }

    [Fact]
    public async Task ReserveAsync_NewMonth_StartsFromZeroAndOldReservationSettlesIntoItsOwnPeriod()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 23, 59, 50, TimeSpan.Zero));
        var gate = new InMemoryQuotaGate(time);
        var plan = Plans.Of(budget: 1000);
        var late = await gate.ReserveAsync(plan, 1000, CancellationToken.None);
        Assert.Equal("2026-11", late.Reservation!.Period);
        Assert.False((await gate.ReserveAsync(plan, 1, CancellationToken.None)).Admitted);
        time.Advance(TimeSpan.FromSeconds(10)); // 2026-12-01T00:00:00Z exactly
        var early = await gate.ReserveAsync(plan, 1000, CancellationToken.None);
        Assert.Equal("2026-12", early.Reservation!.Period);
        await gate.SettleAsync(late.Reservation, 800, CancellationToken.None);
        Assert.Equal(800, gate.GetUsage("acme", "2026-11").Spent);
        Assert.Equal(0, gate.GetUsage("acme", "2026-11").Reserved);
        Assert.Equal(0, gate.GetUsage("acme", "2026-12").Spent);
        Assert.Equal(1000, gate.GetUsage("acme", "2026-12").Reserved);
    }

    [Fact]
    public async Task ReserveAsync_SpendSeed_RestartDoesNotResetSpend()
    {
        var calls = 0;
        var gate = new InMemoryQuotaGate(new FakeTimeProvider(Start), (tenant, period) =>
        {
            calls++;
            return tenant == "acme" && period == "2026-11" ? 9_500 : 0;
        });
        var refused = await gate.ReserveAsync(Plans.Of(budget: 10_000), 600, CancellationToken.None);
        Assert.Equal(QuotaRefusalReasons.QuotaExceeded, refused.RefusalReason);
        Assert.True((await gate.ReserveAsync(Plans.Of(budget: 10_000), 500, CancellationToken.None)).Admitted);
        Assert.Equal(1, calls); // seeded once per tenant and period
    }

    [Fact]
    public async Task ReserveAsync_AbandonedReservation_IsReclaimedAfterTtl()
    {
        var time = new FakeTimeProvider(Start);
        var gate = new InMemoryQuotaGate(time, reservationTtl: TimeSpan.FromMinutes(2));
        var plan = Plans.Of(budget: 1000);
        Assert.True((await gate.ReserveAsync(plan, 1000, CancellationToken.None)).Admitted);
        Assert.False((await gate.ReserveAsync(plan, 1000, CancellationToken.None)).Admitted);
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.True((await gate.ReserveAsync(plan, 1000, CancellationToken.None)).Admitted);
    }

    [Fact]
    public void Operations_ConcurrentRandomLoad_InvariantHoldsAtEveryObservation()
    {
        Gen.Select(Gen.Long[1000, 20_000], Gen.Select(Gen.Long[0, 3000], Gen.Double[0, 1], Gen.Bool).Array[20, 60]).Sample((budget, calls) =>
        {
            var gate = new InMemoryQuotaGate(new FakeTimeProvider(Start));
            var plan = Plans.Of(budget: budget);
            long violations = 0;
            Parallel.ForEach(calls, new ParallelOptions { MaxDegreeOfParallelism = 8 }, call =>
            {
                var (tokens, fraction, settle) = call;
                var a = gate.ReserveAsync(plan, tokens, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                var seen = gate.GetUsage("acme", "2026-11");
                if (seen.Spent + seen.Reserved > budget)
                {
                    Interlocked.Increment(ref violations);
                }

                if (a.Admitted)
                {
                    if (settle)
                    {
                        gate.SettleAsync(a.Reservation!, (long)(tokens * fraction), CancellationToken.None).AsTask().GetAwaiter().GetResult();
                    }

                    gate.ReleaseAsync(a.Reservation!, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                }
            });
            var end = gate.GetUsage("acme", "2026-11");
            Assert.Equal(0, violations);
            Assert.Equal(0, end.Reserved);
            Assert.True(end.Spent <= budget);
        }, iter: 60, threads: 1);
    }
}
