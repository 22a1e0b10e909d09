using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Daalu.Router.WebConsole.Security;

/// <summary>
/// Limits failed console logins (tenant key -> session) per client address and per key prefix: at most
/// <see cref="ConsoleOptions.LoginFailureLimit"/> failures in a sliding <see cref="ConsoleOptions.LoginFailureWindow"/>,
/// then every login from that address, or with a key starting the same way, is refused until the oldest failure
/// leaves the window (OWASP Authentication cheat sheet, "Protect against automated attacks": throttle by source and by
/// account). The address limit stops one client guessing many keys; the prefix limit stops many clients guessing one
/// key's tail. IPv6 clients are counted per /64 (one host usually owns the whole prefix). Per router replica, in
/// memory: on its own (no Redis, or Redis unreachable) N replicas allow at most N times the limit; with Redis,
/// <see cref="LoginGate"/> adds counts shared by every replica in front of it.
/// </summary>
internal sealed class LoginThrottle(ConsoleOptions options)
{
    /// <summary>Characters of the submitted key that name its bucket.</summary>
    public const int KeyPrefixLength = 12;

    /// <summary>Most buckets held; past it, buckets whose failures all left the window are swept.</summary>
    public const int MaxBuckets = 100_000;

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>
    /// How long a bucket with these failure times (oldest first) stays closed at <paramref name="now"/>: zero while
    /// fewer than <paramref name="limit"/> fall inside the window, else until the oldest of the last
    /// <paramref name="limit"/> leaves it.
    /// </summary>
    public static TimeSpan Wait(IReadOnlyList<DateTimeOffset> failures, DateTimeOffset now, int limit, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var recent = failures.Where(f => now - f < window).ToList();
        return recent.Count < limit ? TimeSpan.Zero : recent[^limit] + window - now;
    }

    /// <summary>The bucket of a client address: the address, or its /64 for IPv6; IPv4-mapped IPv6 as IPv4.</summary>
    public static string AddressBucket(IPAddress? address)
    {
        if (address is null)
        {
            return "ip:unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "ip:" + address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return "ip:" + new IPAddress(bytes) + "/64";
    }

    /// <summary>The bucket of a submitted key: its first <see cref="KeyPrefixLength"/> characters.</summary>
    public static string KeyBucket(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return "key:" + (key.Length <= KeyPrefixLength ? key : key[..KeyPrefixLength]);
    }

    /// <summary>How long this login must wait (zero = it may try): the longer of its address's and key prefix's waits.</summary>
    public TimeSpan RetryAfter(IPAddress? address, string key, DateTimeOffset now)
    {
        var a = WaitOf(AddressBucket(address), now);
        var k = WaitOf(KeyBucket(key), now);
        return a > k ? a : k;
    }

    /// <summary>Counts one failed login against its address and its key prefix.</summary>
    public void RecordFailure(IPAddress? address, string key, DateTimeOffset now)
    {
        if (_failures.Count >= MaxBuckets)
        {
            Sweep(now);
        }

        Add(AddressBucket(address), now);
        Add(KeyBucket(key), now);
    }

    private TimeSpan WaitOf(string bucket, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(bucket, out var queue))
        {
            return TimeSpan.Zero;
        }

        lock (queue)
        {
            return Wait([.. queue], now, options.LoginFailureLimit, options.LoginFailureWindow);
        }
    }

    private void Add(string bucket, DateTimeOffset now)
    {
        var queue = _failures.GetOrAdd(bucket, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            queue.Enqueue(now);
            // Only the last `limit` failures can decide a wait; older ones, or ones out of the window, go.
            while (queue.Count > options.LoginFailureLimit || (queue.Count > 0 && now - queue.Peek() >= options.LoginFailureWindow))
            {
                queue.Dequeue();
            }
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (bucket, queue) in _failures)
        {
            bool stale;
            lock (queue)
            {
                stale = queue.All(f => now - f >= options.LoginFailureWindow);
            }

            if (stale)
            {
                _failures.TryRemove(bucket, out _);
            }
        }
    }
}
