using System.Globalization;
using System.Text.Json;
using Daalu.Gateway.Metering;
using StackExchange.Redis;

namespace Daalu.Gateway.Redis;

/// <summary>
/// Parked outbox records in one Redis hash (<see cref="GatewayOptions.ParkedOutboxKey"/>): field
/// "&lt;request id&gt;\n&lt;attempt&gt;", value the record as the outbox stores it (source-generated JSON). HSET of a
/// field that exists overwrites it with the same record, so parking twice keeps one copy; readers HSCAN a batch, write
/// it into the ledger, and HDEL exactly those fields after the ledger's commit (Redis docs: HSET, HSCAN, HDEL). Two
/// replicas taking the same batch both write it; the ledger's UNIQUE(request_id, attempt) keeps one row.
/// Parked records are as durable as Redis: with neither AOF nor RDB persistence (or a failover to a replica that had
/// not received them) a Redis restart loses what is parked there.
/// </summary>
public sealed class RedisOutboxParking : IOutboxParking, IDisposable
{
    private readonly GatewayOptions _options;
    private readonly Lazy<ConnectionMultiplexer> _connection;

    /// <summary>Creates the parking; connects on first use.</summary>
    public RedisOutboxParking(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.RedisUrl))
        {
            throw new ArgumentException("GatewayOptions.RedisUrl is required to park outbox records in Redis.", nameof(options));
        }

        _options = options;
        var config = BoundedRedisConfiguration.Parse(options.RedisUrl, options.ParkingTimeout);
        _connection = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(config));
    }

    private IDatabase Database => _connection.Value.GetDatabase();

    /// <inheritdoc />
    public void Park(IReadOnlyList<PricedCall> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (calls.Count == 0)
        {
            return;
        }

        var entries = new HashEntry[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            entries[i] = new HashEntry(Field(calls[i]), JsonSerializer.SerializeToUtf8Bytes(calls[i], MeteringJsonContext.Default.PricedCall));
        }

        Database.HashSet(_options.ParkedOutboxKey, entries);
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Key, PricedCall Call)> Take(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var db = Database;
        if (db.HashLength(_options.ParkedOutboxKey) == 0)
        {
            return [];
        }

        var taken = new List<(string, PricedCall)>(max);
        foreach (var entry in db.HashScan(_options.ParkedOutboxKey, pageSize: max))
        {
            var call = JsonSerializer.Deserialize((byte[])entry.Value!, MeteringJsonContext.Default.PricedCall)
                ?? throw new InvalidDataException("Empty parked outbox record.");
            taken.Add((entry.Name.ToString(), call));
            if (taken.Count == max)
            {
                break;
            }
        }

        return taken;
    }

    /// <inheritdoc />
    public void Remove(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count > 0)
        {
            Database.HashDelete(_options.ParkedOutboxKey, [.. keys.Select(k => (RedisValue)k)]);
        }
    }

    /// <summary>Parked records (tests, diagnostics).</summary>
    public long Count() => Database.HashLength(_options.ParkedOutboxKey);

    private static string Field(PricedCall call) => string.Create(CultureInfo.InvariantCulture, $"{call.RequestId}\n{call.Attempt}");

    /// <inheritdoc />
    public void Dispose()
    {
        if (_connection.IsValueCreated)
        {
            _connection.Value.Dispose();
        }
    }
}
