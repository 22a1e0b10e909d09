using System.Collections.Concurrent;

namespace Daalu.Router.WebConsole.Diagnostics;

/// <summary>One diagnostics probe per tenant per interval: a probe is a real completion on the tenant's card.</summary>
internal sealed class ProbeRateLimit(TimeSpan interval)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _last = new(StringComparer.Ordinal);

    /// <summary>How long until the next probe is allowed (zero = now), as a pure function.</summary>
    public static TimeSpan Wait(DateTimeOffset? last, DateTimeOffset now, TimeSpan interval) =>
        last is { } l && now - l < interval ? interval - (now - l) : TimeSpan.Zero;

    /// <summary>Takes the tenant's slot, or returns how long to wait.</summary>
    public TimeSpan TryAcquire(string tenant, DateTimeOffset now)
    {
        while (true)
        {
            if (!_last.TryGetValue(tenant, out var last))
            {
                if (_last.TryAdd(tenant, now))
                {
                    return TimeSpan.Zero;
                }

                continue;
            }

            var wait = Wait(last, now, interval);
            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            if (_last.TryUpdate(tenant, now, last))
            {
                return TimeSpan.Zero;
            }
        }
    }
}
