namespace Daalu.Gateway;

/// <summary>Settings of the gateway library. Everything has a working default for a single replica.</summary>
public sealed class GatewayOptions
{
    /// <summary>
    /// StackExchange.Redis configuration string (e.g. "127.0.0.1:6379"). When set, quota counters and reservations
    /// live in Redis and hold across router replicas; when null, an in-process gate is used (one replica only).
    /// </summary>
    public string? RedisUrl { get; set; }

    /// <summary>Policy when Redis times out, fails or the breaker is open. Default FailClosed (never overspend).</summary>
    public RedisFailureMode RedisFailureMode { get; set; } = RedisFailureMode.FailClosed;

    /// <summary>Upper bound for every Redis call, connect included. Default 250 ms.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Key prefix in Redis, so several deployments can share one server. Default "daalu:quota:".</summary>
    public string RedisKeyPrefix { get; set; } = "daalu:quota:";

    /// <summary>Consecutive Redis failures that open the circuit breaker. Default 3.</summary>
    public int BreakerFailureThreshold { get; set; } = 3;

    /// <summary>How long the open breaker short-circuits calls before one probe is let through. Default 5 s.</summary>
    public TimeSpan BreakerOpenDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Age after which a reservation that was never settled or released is reclaimed. Default 15 min.</summary>
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How often the Redis gate compares Redis spend with the ledger (metric daalu_gateway_quota_drift_tokens).
    /// Default 60 s.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// File that keeps quota counter updates Redis could not take (settle, release, fail-open charge) until they are
    /// delivered, across a stop or crash. Null: memory only. The router sets it to <see cref="EffectiveOutboxPath"/> +
    /// ".counters" (AddDaaluGateway).
    /// </summary>
    public string? CounterOutboxPath { get; set; }

    /// <summary>
    /// Npgsql connection string of a PostgreSQL ledger shared by every router replica (e.g.
    /// "Host=pg;Database=daalu;Username=daalu;Password=..."). When set, the outbox flushes into PostgreSQL and the
    /// usage API, credits and quota rebuilds read it; when null, the ledger is the SQLite file <see cref="LedgerPath"/>
    /// (one replica). The outbox stays local either way (next to <see cref="LedgerPath"/>).
    /// </summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>SQLite ledger file. Default ./daalu-ledger.db.</summary>
    public string LedgerPath { get; set; } = "./daalu-ledger.db";

    /// <summary>
    /// Base path of the outbox; default: <see cref="LedgerPath"/> + ".outbox". The outbox is a log of append-only
    /// segment files named <c>&lt;OutboxPath&gt;.&lt;16-digit sequence&gt;.log</c> in the same directory (damaged ones are
    /// kept as <c>….log.corrupt</c>); a SQLite outbox found at this exact path, left by an older version, is drained
    /// into the ledger on start and deleted. Kept apart from the ledger so a locked ledger never blocks acknowledgement.
    /// One process owns an outbox.
    /// </summary>
    public string? OutboxPath { get; set; }

    /// <summary>How often the flusher retries when the ledger was unavailable. Default 1 s.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a record reaches the outbox, how long the flusher waits for more before moving them into the ledger in
    /// one transaction. Default 100 ms: one ledger fsync per window instead of one per call. Records are durable in the
    /// outbox meanwhile; only the ledger view lags by this much.
    /// </summary>
    public TimeSpan FlushBatchWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a ledger write waits on a locked database before the batch is retried later. Default 2 s.</summary>
    public TimeSpan LedgerBusyTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether each outbox commit is fsynced before a call is acknowledged (and, for a new segment, its directory).
    /// Default false: an acknowledged record survives a process crash (SIGKILL, SIGTERM, OOM kill) because its write
    /// has returned and the data is in the OS page cache, but an OS crash or power loss can lose the records
    /// acknowledged since the kernel last wrote the segment back. Set true when the ledger must survive power loss, at
    /// the cost of an fsync per group commit.
    /// </summary>
    public bool LedgerFsync { get; set; }

    /// <summary>
    /// At shutdown, how long the last flush of the outbox into the ledger may take before the records are parked in
    /// Redis instead (only with a PostgreSQL ledger and Redis: <see cref="ParkOutboxAtShutdown"/>). Default 10 s. A
    /// PostgreSQL that is down usually refuses at once; this bounds one that does not answer at all.
    /// </summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound of each Redis call that parks or drains outbox records. Default 5 s (a shutdown is no hot path).</summary>
    public TimeSpan ParkingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether records still in the outbox at shutdown are parked in Redis when the ledger cannot be reached, for any
    /// replica to move into the ledger: with a shared PostgreSQL ledger and Redis both configured.
    /// </summary>
    public bool ParkOutboxAtShutdown => !string.IsNullOrWhiteSpace(PostgresConnectionString) && !string.IsNullOrWhiteSpace(RedisUrl);

    /// <summary>The Redis hash holding parked outbox records, under <see cref="RedisKeyPrefix"/> (so deployments sharing a Redis do not drain each other's).</summary>
    public string ParkedOutboxKey => RedisKeyPrefix + "parked-outbox";

    /// <summary>The outbox path in effect.</summary>
    public string EffectiveOutboxPath => OutboxPath ?? LedgerPath + ".outbox";
}
