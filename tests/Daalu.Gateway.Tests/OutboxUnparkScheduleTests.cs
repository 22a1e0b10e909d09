using Daalu.Gateway.Metering;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Daalu.Gateway.Tests;

/// <summary>
/// When a replica's flusher takes records another replica parked (<see cref="SqliteLedger"/> with an
/// <see cref="IOutboxParking"/>), on a fake clock and an in-memory parking. The fake keeps one entry per
/// (request id, attempt) and overwrites on a second park, as Redis HSET does for an existing field of the hash
/// <see cref="Daalu.Gateway.Redis.RedisOutboxParking"/> uses (Redis docs, HSET); the real one is exercised against
/// redis-server in <see cref="OutboxParkingTests"/>.
/// </summary>
public sealed class OutboxUnparkScheduleTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(Calls.Noon);
    private readonly FakeParking _parking = new();

    public void Dispose() => _dir.Dispose();

    private SqliteLedger Open()
    {
        var options = new GatewayOptions { LedgerPath = _dir.File("ledger.db"), FlushInterval = TimeSpan.FromHours(1) };
        return new SqliteLedger(options, NullLogger<SqliteLedger>.Instance, parking: _parking) { Time = _time };
    }

    [Fact]
    public async Task FlushAsync_RecordsParkedByAnotherReplica_WrittenOnceThenLookedForAgainAfterTheInterval()
    {
        await using var ledger = Open();
        _parking.Park([.. new[] { "p1", "p2", "p3" }.Select(id => LedgerPricing.Price(Calls.Hosted(id)))]);

        Assert.Equal(3, await ledger.FlushAsync());
        Assert.Equal(0, _parking.Count);

        // Parked again by a replica that crashed before emptying its outbox, next to a new one: not looked at before
        // the interval, then the new record is written and the repeated one refused by the ledger's unique key.
        _parking.Park([LedgerPricing.Price(Calls.Hosted("p1")), LedgerPricing.Price(Calls.Hosted("p4"))]);
        Assert.Equal(0, await ledger.FlushAsync());
        Assert.Equal(2, _parking.Count);
        _time.Advance(SqliteLedger.UnparkInterval);
        Assert.Equal(1, await ledger.FlushAsync());
        Assert.Equal(0, _parking.Count);
    }

    [Fact]
    public async Task FlushAsync_ParkingUnreachable_OutboxStillFlushedAndParkingRetriedAfter30Seconds()
    {
        await using var ledger = Open();
        _parking.Failing = true;
        await ledger.RecordAsync(Calls.Hosted("local"), default);

        Assert.Equal(1, await ledger.FlushAsync()); // Redis down does not hold up the outbox

        _parking.Failing = false;
        _parking.Park([LedgerPricing.Price(Calls.Hosted("parked"))]);
        _time.Advance(SqliteLedger.UnparkInterval);
        Assert.Equal(0, await ledger.FlushAsync());
        _time.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(1, await ledger.FlushAsync());
    }

    private sealed class FakeParking : IOutboxParking
    {
        private readonly Dictionary<string, PricedCall> _parked = new(StringComparer.Ordinal);

        public bool Failing { get; set; }

        public int Count => _parked.Count;

        public void Park(IReadOnlyList<PricedCall> calls)
        {
            foreach (var call in calls)
            {
                _parked[$"{call.RequestId}\n{call.Attempt}"] = call;
            }
        }

        public IReadOnlyList<(string Key, PricedCall Call)> Take(int max) => Failing
            ? throw new RedisException("redis is down")
            : [.. _parked.Take(max).Select(kv => (kv.Key, kv.Value))];

        public void Remove(IReadOnlyList<string> keys)
        {
            foreach (var key in keys)
            {
                _parked.Remove(key);
            }
        }
    }
}
