using System.Collections.Concurrent;

namespace Daalu.Router.Classification.Judging;

/// <summary>
/// The judge's verdict per conversation (<see cref="ConversationKey"/>), so an agent loop pays for one judge call: a
/// rating is kept for <see cref="RatedFor"/>, a failed call (timeout, malformed, error) for <see cref="FailedFor"/> so a
/// loop against a slow judge does not wait again on every call. Bounded: past <see cref="Capacity"/> entries the expired
/// ones go, and if that is not enough, all of them (a judge call is cheap to repeat; memory is not unbounded).
/// </summary>
public sealed class JudgeCache(TimeProvider time)
{
    /// <summary>Most conversations remembered.</summary>
    public const int Capacity = 20_000;

    /// <summary>How long a rating is reused.</summary>
    public static readonly TimeSpan RatedFor = TimeSpan.FromMinutes(30);

    /// <summary>How long a failed call is remembered.</summary>
    public static readonly TimeSpan FailedFor = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Entries held (expired ones included until swept).</summary>
    public int Count => _entries.Count;

    /// <summary>The verdict for a conversation: found, and its rating (null when the judge failed).</summary>
    public bool TryGet(string key, out int? rating)
    {
        if (_entries.TryGetValue(key, out var e) && e.Expires > time.GetUtcNow())
        {
            rating = e.Rating;
            return true;
        }

        rating = null;
        return false;
    }

    /// <summary>Remembers a verdict: a rating, or null for a failed call.</summary>
    public void Set(string key, int? rating)
    {
        var now = time.GetUtcNow();
        if (_entries.Count >= Capacity)
        {
            foreach (var (k, e) in _entries)
            {
                if (e.Expires <= now)
                {
                    _entries.TryRemove(k, out _);
                }
            }

            if (_entries.Count >= Capacity)
            {
                _entries.Clear();
            }
        }

        _entries[key] = new Entry(rating, now + (rating is null ? FailedFor : RatedFor));
    }

    private readonly record struct Entry(int? Rating, DateTimeOffset Expires);
}
