using Daalu.Contracts.Usage;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Daalu.Gateway.Postgres;
using Daalu.Gateway.Redis;
using Daalu.Gateway.Usage;
using Daalu.TestDoubles.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Gateway.Tests;

/// <summary>
/// Parking a stopping replica's outbox in Redis when the shared PostgreSQL ledger is down (<see cref="SqliteLedger.StopAsync"/>,
/// <see cref="RedisOutboxParking"/>), against a real PostgreSQL 15 and a real redis-server. The invariant is "nothing
/// lost, nothing double-counted": parked records are keyed by the ledger's unique (request id, attempt), so parking the
/// same record twice keeps one copy, and a record both parked and still in an outbox (a crash between the two) is
/// written once. With Redis down too the records stay in the outbox for the next start on the same volume.
/// </summary>
public sealed class OutboxParkingTests(PostgresLedgerTests.Server fixture) : IAsyncLifetime, IClassFixture<PostgresLedgerTests.Server>
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero));
    private readonly List<IAsyncDisposable> _owned = [];
    private PostgresServer? _server;
    private RedisServer? _redis;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _server = fixture.Instance;
        if (_server is not null && RedisServer.Executable is not null)
        {
            _database = await _server.CreateDatabaseAsync();
            _redis = await RedisServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        // A test that stopped PostgreSQL leaves it running for the next one.
        if (_server is not null)
        {
            try
            {
                await _server.StartProcessAsync();
            }
            catch (InvalidOperationException)
            {
                // already running
            }
        }

        foreach (var d in Enumerable.Reverse(_owned))
        {
            await d.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        _dir.Dispose();
    }

    [SkippableFact]
    public async Task StopAsync_PostgresDownRedisUp_ParkedOnceAndWrittenOnceByAnotherReplica()
    {
        Skip.If(_server is null, PostgresServer.SkipReason);
        Skip.If(_redis is null, RedisServer.MissingReason);
        var (leaving, _, parking) = Replica("leaving");
        await _server!.StopAsync(immediate: true);
        var calls = Enumerable.Range(0, 5).Select(i => Calls.Hosted($"outage-{i}", "consumer")).ToList();
        foreach (var call in calls)
        {
            await leaving.RecordAsync(call, default);
        }

        await leaving.StopAsync(default);

        Assert.Equal(0, leaving.OutboxDepth());
        Assert.Equal(5, parking.Count());

        // The replica crashed after parking and before its outbox was emptied, came back and parked the same records
        // again; another replica that never saw them holds them in its outbox too. Still one copy parked.
        parking.Park([.. calls.Select(LedgerPricing.Price)]);
        Assert.Equal(5, parking.Count());
        var (holder, _, _) = Replica("holder");
        foreach (var call in calls)
        {
            await holder.RecordAsync(call, default);
        }

        await _server.StartProcessAsync();
        var (staying, usage, _) = Replica("staying");
        Assert.Equal(5, await WaitFlushedAsync(staying));
        Assert.Equal(0, parking.Count());
        Assert.Equal(0, await WaitFlushedAsync(holder)); // refused by UNIQUE(request_id, attempt)
        var report = usage.Query(new UsageQuery(new TenantIdentity("consumer", false), Days: 7));
        Assert.Equal(5, report.Totals.Requests);
        Assert.Equal(5 * 1500, report.Quota!.Used);
    }

    [SkippableFact]
    public async Task StopAsync_PostgresAndRedisDown_RecordsStayInTheOutboxForTheNextStartOnTheSameVolume()
    {
        Skip.If(_server is null, PostgresServer.SkipReason);
        Skip.If(_redis is null, RedisServer.MissingReason);
        var (leaving, _, parking) = Replica("leaving");
        await _server!.StopAsync(immediate: true);
        await _redis!.StopAsync();
        for (var i = 0; i < 3; i++)
        {
            await leaving.RecordAsync(Calls.Hosted($"both-down-{i}", "consumer"), default);
        }

        await leaving.StopAsync(default);
        Assert.Equal(3, leaving.OutboxDepth());
        await leaving.DisposeAsync();

        // The same volume (the StatefulSet's claim for this ordinal) with PostgreSQL back: written once. Had the claim
        // been deleted in between, these three records would be lost: the one failure mode left.
        await _server.StartProcessAsync();
        var (back, usage, _) = Replica("leaving");
        Assert.Equal(3, await WaitFlushedAsync(back));
        Assert.Equal(3 * 1500, usage.Query(new UsageQuery(new TenantIdentity("consumer", false), Days: 7)).Quota!.Used);
    }

    private (SqliteLedger Ledger, UsageQueryService Usage, RedisOutboxParking Parking) Replica(string name)
    {
        var options = new GatewayOptions
        {
            LedgerPath = _dir.File($"{name}/ledger.db"),
            PostgresConnectionString = _database,
            RedisUrl = _redis!.Url,
            ParkingTimeout = TimeSpan.FromSeconds(2),
            ShutdownFlushTimeout = TimeSpan.FromSeconds(10),
            FlushInterval = TimeSpan.FromHours(1), // flushed by the test
        };
        var store = new PostgresLedgerStore(options.PostgresConnectionString);
        var parking = new RedisOutboxParking(options);
        var ledger = new SqliteLedger(options, NullLogger<SqliteLedger>.Instance, store: store, parking: parking);
        _owned.Add(new Disposer(parking));
        _owned.Add(new Disposer(store));
        _owned.Add(ledger);
        var directory = new StaticUsageDirectory([Plans.Of("consumer", budget: 100_000)], new Dictionary<string, TenantRole> { ["consumer"] = TenantRole.Consumer }, []);
        return (ledger, new UsageQueryService(options, _time, directory, store), parking);
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

    private sealed class Disposer(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
