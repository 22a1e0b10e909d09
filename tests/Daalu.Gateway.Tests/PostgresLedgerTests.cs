using System.Text.Json;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Daalu.Gateway.Postgres;
using Daalu.Gateway.Usage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Gateway.Tests;

/// <summary>
/// The PostgreSQL ledger shared by router replicas, against a real PostgreSQL 15 started by <see cref="PostgresServer"/>.
/// Each "replica" is a <see cref="SqliteLedger"/> (its own local outbox) flushing into its own
/// <see cref="PostgresLedgerStore"/> on the one database, as separate router processes do.
/// </summary>
public sealed class PostgresLedgerTests(PostgresLedgerTests.Server fixture) : IAsyncLifetime, IClassFixture<PostgresLedgerTests.Server>
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero));
    private readonly List<IAsyncDisposable> _owned = [];
    private PostgresServer? _server;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _server = fixture.Instance;
        if (_server is not null)
        {
            _database = await _server.CreateDatabaseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var d in Enumerable.Reverse(_owned))
        {
            await d.DisposeAsync();
        }

        _dir.Dispose();
    }

    [SkippableFact]
    public void Insert_SameRequestAndAttemptAgain_RefusedByTheUniqueKey()
    {
        Skip.If(_server is null, PostgresServer.SkipReason);
        using var store = new PostgresLedgerStore(_database);
        var rows = new[] { Calls.Hosted("r1"), Calls.Hosted("r2"), Calls.Hosted("r1", attempt: 2) }.Select(LedgerPricing.Price).ToList();
        Assert.Equal(3, store.Insert(rows));
        Assert.Equal(0, store.Insert(rows)); // a flush repeated after an ambiguous commit
        Assert.Equal(1, store.Insert([.. rows, LedgerPricing.Price(Calls.Hosted("r3"))]));
        Assert.Equal(4 * 1500, store.HostedTokensSpent("acme", "2026-11", []));
    }

    [SkippableFact]
    public async Task Query_TwoReplicasOnOneDatabase_EveryReplicaAnswersTheSameNumbers()
    {
        Skip.If(_server is null, PostgresServer.SkipReason);
        var (a, usageA) = Replica("a");
        var (b, usageB) = Replica("b");
        var today = _time.GetUtcNow();
        for (var i = 0; i < 20; i++)
        {
            var ledger = i % 2 == 0 ? a : b;
            await ledger.RecordAsync(Calls.Hosted($"h{i}", "consumer", 100 + i, 50, contributor: i % 3 == 0 ? "lender" : null, share: 60, at: today.AddHours(-1)), default);
            await ledger.RecordAsync(Calls.External($"x{i}", "consumer", 10, 10, at: today.AddHours(-1)), default);
        }

        await a.FlushAsync();
        await b.FlushAsync();
        var admin = new UsageQuery(new TenantIdentity("ops", true), Days: 7);
        var consumer = new UsageQuery(new TenantIdentity("consumer", false), Days: 7);
        Assert.Equal(Json(usageA.Query(admin)), Json(usageB.Query(admin)));
        Assert.Equal(Json(usageA.Query(consumer)), Json(usageB.Query(consumer)));
        var report = usageA.Query(consumer);
        Assert.Equal(40, report.Totals.Requests);
        Assert.Equal(Enumerable.Range(0, 20).Sum(i => 150L + i), report.Quota!.Used);
        Assert.Equal(usageA.RebuildProviderCredits(), usageB.RebuildProviderCredits());
        Assert.Equal("lender", Assert.Single(usageA.RebuildProviderCredits()).Contributor);
        Assert.Equal(a.HostedTokensSpent("consumer", "2026-11"), b.HostedTokensSpent("consumer", "2026-11"));
    }

    [SkippableFact]
    public async Task FlushAsync_PostgresDownThenRestarted_RecordsWaitInTheOutboxAndAreWrittenOnce()
    {
        Skip.If(_server is null, PostgresServer.SkipReason);
        var (ledger, usage) = Replica("a");
        await ledger.RecordAsync(Calls.Hosted("before", "consumer"), default);
        await ledger.FlushAsync();

        await _server!.StopAsync(immediate: true); // a crash: no clean shutdown
        for (var i = 0; i < 10; i++)
        {
            await ledger.RecordAsync(Calls.Hosted($"down{i}", "consumer"), default); // acknowledged while PostgreSQL is down
        }

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => ledger.FlushAsync());
        Assert.Equal(10, ledger.OutboxDepth());

        await _server.StartProcessAsync();
        Assert.Equal(10, await WaitFlushedAsync(ledger));
        Assert.Equal(0, await ledger.FlushAsync());
        Assert.Equal(0, ledger.OutboxDepth());
        var report = usage.Query(new UsageQuery(new TenantIdentity("consumer", false), Days: 7));
        Assert.Equal(11, report.Totals.Requests);
        Assert.Equal(11 * 1500, report.Quota!.Used);
    }

    [SkippableFact]
    public async Task HostedTokensSpent_RecordStillInTheOutbox_CountedOnceWithTheSharedLedger()
    {
        Skip.If(_server is null, PostgresServer.SkipReason);
        var (a, _) = Replica("a");
        var (b, _) = Replica("b");
        await a.RecordAsync(Calls.Hosted("flushed", "consumer", 100, 0), default);
        await a.FlushAsync();
        await b.RecordAsync(Calls.Hosted("waiting", "consumer", 10, 0), default); // in b's outbox only
        Assert.Equal(110, b.HostedTokensSpent("consumer", "2026-11"));
        Assert.Equal(100, a.HostedTokensSpent("consumer", "2026-11")); // a cannot see b's outbox until it is flushed
        await b.FlushAsync();
        Assert.Equal(110, a.HostedTokensSpent("consumer", "2026-11"));
    }

    private (SqliteLedger Ledger, UsageQueryService Usage) Replica(string name)
    {
        var options = new GatewayOptions
        {
            LedgerPath = _dir.File($"{name}/ledger.db"),
            PostgresConnectionString = _database,
            FlushInterval = TimeSpan.FromHours(1), // flushed by the test
        };
        var store = new PostgresLedgerStore(options.PostgresConnectionString);
        var ledger = new SqliteLedger(options, NullLogger<SqliteLedger>.Instance, store: store);
        _owned.Add(ledger);
        _owned.Add(new Disposer(store));
        var directory = new StaticUsageDirectory([Plans.Of("consumer", budget: 100_000)], new Dictionary<string, TenantRole> { ["consumer"] = TenantRole.Consumer }, []);
        return (ledger, new UsageQueryService(options, _time, directory, store));
    }

    private static async Task<int> WaitFlushedAsync(SqliteLedger ledger)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                return await ledger.FlushAsync();
            }
            catch (System.Data.Common.DbException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100); // the pool may hand out a connection the restart closed, once
            }
        }
    }

    /// <summary>One server for the class (initdb takes seconds); each test gets its own database.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public PostgresServer? Instance { get; private set; }

        public async Task InitializeAsync()
        {
            if (PostgresServer.SkipReason is null)
            {
                Instance = await PostgresServer.StartAsync();
            }
        }

        public async Task DisposeAsync()
        {
            if (Instance is not null)
            {
                await Instance.DisposeAsync();
            }
        }
    }

    private static string Json(UsageReport report) => JsonSerializer.Serialize(report);

    private sealed class Disposer(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
