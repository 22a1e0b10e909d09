using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Gateway.Tests;

/// <summary>
/// The gateway as the router drives it through AddDaaluGateway: reserve, run, settle or release, record. The
/// "upstream" here is a token count the test chooses; the real router and its upstream doubles come in the
/// end-to-end tests.
/// </summary>
public sealed class GatewayFlowTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddDaaluGateway(new GatewayOptions { LedgerPath = _dir.File("ledger.db"), FlushInterval = TimeSpan.FromMilliseconds(50) });
        return services.BuildServiceProvider();
    }

    private static async Task StartAsync(ServiceProvider sp)
    {
        foreach (var hosted in sp.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    private static async Task StopAsync(ServiceProvider sp)
    {
        foreach (var hosted in sp.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The router's sequence for one hosted call; <paramref name="cancelAfter"/> simulates a client disconnect.</summary>
    private static async Task<bool> CallAsync(IQuotaGate gate, IMeteringSink sink, TenantPlan plan, string id, long prompt, long maxTokens, long produced, bool cancel)
    {
        var admission = await gate.ReserveAsync(plan, prompt + maxTokens, CancellationToken.None);
        if (!admission.Admitted)
        {
            return false;
        }

        using var client = new CancellationTokenSource();
        var settled = false;
        try
        {
            if (cancel)
            {
                await client.CancelAsync();
                client.Token.ThrowIfCancellationRequested();
            }

            await gate.SettleAsync(admission.Reservation!, prompt + produced, CancellationToken.None);
            settled = true;
            await sink.RecordAsync(Record(plan, id, prompt, produced, partial: false), CancellationToken.None);
            return true;
        }
        catch (OperationCanceledException)
        {
            // Partial usage: the prompt and what streamed before the disconnect, billed once.
            var partialOut = produced / 2;
            await gate.SettleAsync(admission.Reservation!, prompt + partialOut, CancellationToken.None);
            settled = true;
            await sink.RecordAsync(Record(plan, id, prompt, partialOut, partial: true), CancellationToken.None);
            return true;
        }
        finally
        {
            if (!settled)
            {
                await gate.ReleaseAsync(admission.Reservation!, CancellationToken.None);
            }
        }
    }

    private static CallRecord Record(TenantPlan plan, string id, long prompt, long produced, bool partial) =>
        Calls.Hosted(id, plan.Tenant, prompt, produced) with { Partial = partial };

    [Fact]
    public async Task SustainedLoadNearTheCap_EnforcementCounterEqualsTheLedger()
    {
        var plan = Plans.Of("acme", budget: 200_000);
        await using var sp = Build();
        await StartAsync(sp);
        var gate = sp.GetRequiredService<IQuotaGate>();
        var sink = sp.GetRequiredService<IMeteringSink>();
        var random = new Random(11);
        var jobs = Enumerable.Range(0, 400).Select(i => (Id: $"r{i}", Prompt: (long)random.Next(100, 800), Max: (long)random.Next(200, 1000), Cancel: i % 7 == 0)).ToList();
        var results = await Task.WhenAll(jobs.Select(j => Task.Run(() =>
            CallAsync(gate, sink, plan, j.Id, j.Prompt, j.Max, j.Max * 3 / 4, j.Cancel))));
        Assert.Contains(false, results); // the cap was reached
        var ledger = sp.GetRequiredService<SqliteLedger>();
        await ledger.FlushAsync();

        var counter = ((InMemoryQuotaGate)gate).GetUsage("acme", "2026-11");
        Assert.Equal(0, counter.Reserved); // I3
        Assert.Equal(ledger.HostedTokensSpent("acme", "2026-11"), counter.Spent); // counter == ledger (I2 for the hosted tier)
        Assert.True(counter.Spent <= plan.MonthlyTokenBudget);
        // No false "quota exceeded": every refusal happened when the remaining budget could not hold the request.
        Assert.True(plan.MonthlyTokenBudget - counter.Spent < 800 + 1000);
        await StopAsync(sp);
    }

    [Fact]
    public async Task Restart_SpendComesBackFromTheLedger()
    {
        var plan = Plans.Of("acme", budget: 10_000);
        await using (var sp = Build())
        {
            await StartAsync(sp);
            var gate = sp.GetRequiredService<IQuotaGate>();
            var sink = sp.GetRequiredService<IMeteringSink>();
            Assert.True(await CallAsync(gate, sink, plan, "a", 3000, 4000, 4000, cancel: false));
            Assert.True(await CallAsync(gate, sink, plan, "b", 1000, 1000, 1000, cancel: true));
            await StopAsync(sp);
        }

        await using var restarted = Build();
        await StartAsync(restarted);
        var gate2 = restarted.GetRequiredService<IQuotaGate>();
        // Spent before the restart: 7000 + 1500 = 8500; 1500 left.
        Assert.Equal(QuotaRefusalReasons.QuotaExceeded, (await gate2.ReserveAsync(plan, 1501, CancellationToken.None)).RefusalReason);
        Assert.True((await gate2.ReserveAsync(plan, 1500, CancellationToken.None)).Admitted);
        await StopAsync(restarted);
    }

    [Fact]
    public async Task ClientCancelMidStream_PartialBilledOnceAndReservationReleased()
    {
        var plan = Plans.Of("acme", budget: 100_000);
        await using var sp = Build();
        await StartAsync(sp);
        var gate = sp.GetRequiredService<IQuotaGate>();
        var sink = sp.GetRequiredService<IMeteringSink>();
        Assert.True(await CallAsync(gate, sink, plan, "cancelled", 500, 2000, 1000, cancel: true));
        var ledger = sp.GetRequiredService<SqliteLedger>();
        await ledger.FlushAsync();
        var usage = ((InMemoryQuotaGate)gate).GetUsage("acme", "2026-11");
        Assert.Equal((1000L, 0L), (usage.Spent, usage.Reserved));
        Assert.Equal(1000, ledger.HostedTokensSpent("acme", "2026-11"));
        await StopAsync(sp);
    }

    [Fact]
    public void AddDaaluGateway_WithRedisUrl_RegistersTheRedisGate()
    {
        var services = new ServiceCollection();
        services.AddDaaluGateway(new GatewayOptions { RedisUrl = "127.0.0.1:1", LedgerPath = _dir.File("ledger.db") });
        using var sp = services.BuildServiceProvider();
        Assert.IsType<Daalu.Gateway.Redis.RedisQuotaGate>(sp.GetRequiredService<IQuotaGate>());
        Assert.IsType<SqliteLedger>(sp.GetRequiredService<IMeteringSink>());
    }
}
