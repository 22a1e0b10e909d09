namespace Daalu.Gateway.Redis;

/// <summary>
/// The Lua scripts of the Redis quota gate. Each runs atomically on the server, so a check and its reservation
/// are one step across every router replica. The decision logic transcribes <c>QuotaMath.Decide</c>.
/// Keys: {base} = prefix + "{tenant}" (hash tag: one slot per tenant);
/// {base}:p:{period} hash (spent, reserved), {base}:m:{minute} hash (tokens, requests) with a short TTL,
/// {base}:r:{id} reservation record (tokens, period, minute), {base}:open sorted set of ids by expiry,
/// {base}:x:{id} done marker (with a TTL) of a closed reservation or a delivered fail-open charge.
/// Every update is safe to repeat: a replayed or retried settle, release or add-spend carries the id of its reservation
/// (one per attempt of one request) and finds the record gone or the marker set, and changes nothing.
/// The period hash holds <c>seeded</c> once its spend was rebuilt from the ledger (or trusted, for a hash written by an
/// older version): a hash without it means Redis lost its data, and no admission runs on it until it is seeded again.
/// </summary>
internal static class QuotaScripts
{
    // Shared by all scripts: returns a reservation's tokens to its period (and to its minute window while that
    // window still exists), then deletes the record. Settled spend is added when actual >= 0.
    private const string CloseFunction = """
        local function close(base, id, actual)
          local rkey = base .. ':r:' .. id
          local rec = redis.call('HMGET', rkey, 'tokens', 'period', 'minute')
          redis.call('ZREM', base .. ':open', id)
          if not rec[1] then return 0 end
          redis.call('DEL', rkey)
          local tokens = tonumber(rec[1])
          local pkey = base .. ':p:' .. rec[2]
          local reserved = tonumber(redis.call('HGET', pkey, 'reserved') or '0')
          redis.call('HSET', pkey, 'reserved', math.max(0, reserved - tokens))
          if actual >= 0 then redis.call('HINCRBY', pkey, 'spent', actual) end
          local mkey = base .. ':m:' .. rec[3]
          if redis.call('EXISTS', mkey) == 1 then
            local used = tonumber(redis.call('HGET', mkey, 'tokens') or '0')
            local delta = -tokens
            if actual >= 0 then delta = actual - tokens end
            redis.call('HSET', mkey, 'tokens', math.max(0, used + delta))
          end
          return 1, math.max(0, reserved - tokens)
        end
        local function reclaim(base, now)
          local expired = redis.call('ZRANGEBYSCORE', base .. ':open', '-inf', now, 'LIMIT', 0, 100)
          for _, id in ipairs(expired) do close(base, id, -1) end
          return #expired
        end
        """;

    /// <summary>
    /// KEYS: none (all keys derive from ARGV[1], one hash slot per tenant).
    /// ARGV: base, period, minute, tokens, budget, tpm, rpm, enrolled(0/1), shadow(0/1), id, nowMs, ttlMs, periodTtlSec.
    /// Returns {admitted, reason, spent, reserved, minuteTokens, minuteRequests} (counters as read before admitting).
    /// </summary>
    public const string Reserve = CloseFunction + """

        local base = ARGV[1]
        local period, minute = ARGV[2], ARGV[3]
        local tokens, budget = tonumber(ARGV[4]), tonumber(ARGV[5])
        local tpm, rpm = tonumber(ARGV[6]), tonumber(ARGV[7])
        local enrolled, shadow = ARGV[8] == '1', ARGV[9] == '1'
        local id, now, ttl, pttl = ARGV[10], tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13])
        local pkey, mkey = base .. ':p:' .. period, base .. ':m:' .. minute
        if redis.call('EXISTS', base .. ':x:' .. id) == 1 then
          return {0, 'Closed', 0, 0, 0, 0}
        end
        if redis.call('HEXISTS', pkey, 'seeded') == 0 then
          if redis.call('EXISTS', pkey) == 0 then
            return {0, 'Unseeded', 0, 0, 0, 0}
          end
          redis.call('HSET', pkey, 'seeded', 1)
        end
        reclaim(base, now)
        local p = redis.call('HMGET', pkey, 'spent', 'reserved')
        local m = redis.call('HMGET', mkey, 'tokens', 'requests')
        local spent, reserved = tonumber(p[1] or '0'), tonumber(p[2] or '0')
        local mtokens, mrequests = tonumber(m[1] or '0'), tonumber(m[2] or '0')
        local reason = ''
        if not enrolled then reason = 'NotEnrolled'
        elseif spent + reserved + tokens > budget then reason = 'QuotaExceeded'
        elseif tpm > 0 and mtokens + tokens > tpm then reason = 'TokensPerMinute'
        elseif rpm > 0 and mrequests + 1 > rpm then reason = 'RequestsPerMinute'
        end
        if reason ~= '' and not shadow then
          return {0, reason, spent, reserved, mtokens, mrequests}
        end
        redis.call('HINCRBY', pkey, 'reserved', tokens)
        redis.call('EXPIRE', pkey, pttl)
        redis.call('HINCRBY', mkey, 'tokens', tokens)
        redis.call('HINCRBY', mkey, 'requests', 1)
        redis.call('EXPIRE', mkey, 180)
        local rkey = base .. ':r:' .. id
        redis.call('HSET', rkey, 'tokens', tokens, 'period', period, 'minute', minute)
        redis.call('PEXPIRE', rkey, ttl + 3600000)
        redis.call('ZADD', base .. ':open', now + ttl, id)
        redis.call('PEXPIRE', base .. ':open', ttl + 3600000)
        return {1, reason, spent, reserved, mtokens, mrequests}
        """;

    /// <summary>
    /// ARGV: base, id, actual (-1 = release), markerTtlMs, period, reservedAtMs, nowMs. Returns {1, reserved left in the
    /// period} when it closed an open reservation; {2, -1} when the reservation was already reclaimed (its TTL passed, a
    /// replica died, Redis lost it) and the actual spend was added to the period without it, so a call that ran longer
    /// than the TTL is still counted as the ledger counts it; {0, -1} when the id was already closed (a replayed or
    /// retried command: nothing changes) or the call is too old to tell. Sets the id's done marker, so a reserve of the
    /// same id that Redis runs later (a command it received before a pause) is refused.
    /// </summary>
    public const string Close = CloseFunction + """

        local base, id, actual, markerTtl = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
        local marker = base .. ':x:' .. id
        if redis.call('EXISTS', marker) == 1 then return {0, -1} end
        redis.call('SET', marker, 1, 'PX', markerTtl)
        local closed, reserved = close(base, id, actual)
        if closed == 1 then return {1, reserved} end
        if actual > 0 and tonumber(ARGV[7]) - tonumber(ARGV[6]) < markerTtl then
          local pkey = base .. ':p:' .. ARGV[5]
          if redis.call('HEXISTS', pkey, 'seeded') == 1 then
            redis.call('HINCRBY', pkey, 'spent', actual)
            return {2, -1}
          end
        end
        return {0, -1}
        """;

    /// <summary>
    /// ARGV: base, period, actual, periodTtlSec, id, markerTtlMs. Adds spend of a call admitted without a reservation
    /// (fail-open), once per id: returns 1 when added, 0 when the id's marker says it already was (a replay or a retry),
    /// 2 when the period is not seeded (Redis lost its data: the rebuild from the ledger counts this call).
    /// </summary>
    public const string AddSpend = """
        if not redis.call('SET', ARGV[1] .. ':x:' .. ARGV[5], 1, 'NX', 'PX', tonumber(ARGV[6])) then return 0 end
        local pkey = ARGV[1] .. ':p:' .. ARGV[2]
        if redis.call('HEXISTS', pkey, 'seeded') == 0 then return 2 end
        redis.call('HINCRBY', pkey, 'spent', tonumber(ARGV[3]))
        redis.call('EXPIRE', pkey, tonumber(ARGV[4]))
        return 1
        """;

    /// <summary>
    /// ARGV: base, period, ledgerSpent, periodTtlSec. Rebuilds a period lost by Redis from the ledger: sets spent and
    /// marks it seeded, once (the first replica to get here wins; later seeds of the same period return 0). A hash that
    /// exists without the mark was written by an older version and is trusted as it is.
    /// </summary>
    public const string Seed = """
        local pkey = ARGV[1] .. ':p:' .. ARGV[2]
        if redis.call('HEXISTS', pkey, 'seeded') == 1 then return 0 end
        if redis.call('EXISTS', pkey) == 0 then
          redis.call('HSET', pkey, 'spent', tonumber(ARGV[3]), 'reserved', 0)
        end
        redis.call('HSET', pkey, 'seeded', 1)
        redis.call('EXPIRE', pkey, tonumber(ARGV[4]))
        return 1
        """;

    /// <summary>ARGV: base, period, nowMs. Reclaims expired reservations, returns {spent, reserved}.</summary>
    public const string Read = CloseFunction + """

        reclaim(ARGV[1], tonumber(ARGV[3]))
        local p = redis.call('HMGET', ARGV[1] .. ':p:' .. ARGV[2], 'spent', 'reserved')
        return {tonumber(p[1] or '0'), tonumber(p[2] or '0')}
        """;
}
