using System.Globalization;
using k8s;
using k8s.Models;

namespace Daalu.Runtime.Informers;

/// <summary>
/// The informer's store: a key-to-object map swapped or updated under a lock, with the operator's own recent writes
/// laid over it until the watch catches up with them (read-your-writes).
/// </summary>
/// <remarks>
/// A watch delivers an object some time after the write that made it. A reconcile that runs in between (the work
/// queue re-ran the key because of a child's event, a requeue or a resync) would read the object as it was before the
/// operator's own write, or not at all, and write again: a create answered 409 AlreadyExists, a label patch sent
/// twice, a status patch against an old resourceVersion answered 409 Conflict. So every object a write through the
/// operator's client returned (<see cref="RecordWrite"/>) is served instead of the cached one until the informer has
/// delivered that resourceVersion or a later one. The precedent is client-go's integer mutation cache
/// (<c>k8s.io/client-go/tools/cache/mutation_cache.go</c>, <c>NewIntegerResourceVersionMutationCache</c>): it compares
/// resourceVersions as integers, which the API documents as opaque but which every etcd-backed server hands out from
/// one increasing counter. When a version does not parse as an integer the entry is dropped (or never made), which
/// only falls back to the plain cache. An entry also goes on a re-list (<see cref="Replace"/>), on a delete event for
/// its key, when the informer has seen any event or bookmark at or past its version (the object was then deleted or
/// stopped matching), after a time to live, and the oldest goes when <c>limit</c> entries are held.
/// </remarks>
internal sealed class ResourceCache<T> : IResourceCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _writtenTtl;
    private readonly int _writtenLimit;
    private readonly Dictionary<ObjectKey, Written> _written = [];
    private Dictionary<ObjectKey, T> _items = [];

    // The highest resourceVersion the informer has delivered (list, event or bookmark): everything up to it is in _items.
    private long _seenVersion;

    /// <summary>Creates the store.</summary>
    /// <param name="time">Clock of the written objects' time to live.</param>
    /// <param name="writtenTtl">How long a written object is served at most; zero turns read-your-writes off.</param>
    /// <param name="writtenLimit">Most written objects held at once; the oldest is dropped to make room.</param>
    public ResourceCache(TimeProvider? time = null, TimeSpan? writtenTtl = null, int writtenLimit = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(writtenLimit);
        _time = time ?? TimeProvider.System;
        _writtenTtl = writtenTtl ?? TimeSpan.FromSeconds(30);
        _writtenLimit = writtenLimit;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                Prune();
                return _items.Count + _written.Keys.Count(key => !_items.ContainsKey(key));
            }
        }
    }

    /// <summary>Written objects currently laid over the cache.</summary>
    internal int WrittenCount
    {
        get
        {
            lock (_gate)
            {
                return _written.Count;
            }
        }
    }

    public T? Get(ObjectKey key)
    {
        lock (_gate)
        {
            return Find(key) is { } item ? Copy(item) : null;
        }
    }

    public IReadOnlyList<T> List(string? @namespace = null, IReadOnlyDictionary<string, string>? labels = null)
    {
        lock (_gate)
        {
            return View()
                .Where(pair => @namespace is null || pair.Key.Namespace == @namespace)
                .Where(pair => labels is null || LabelMatch.Matches(pair.Value.Metadata.Labels, labels))
                .Select(pair => Copy(pair.Value))
                .ToList();
        }
    }

    public IReadOnlyList<ObjectKey> Keys()
    {
        lock (_gate)
        {
            return [.. View().Select(pair => pair.Key)];
        }
    }

    public IReadOnlyList<ObjectKey> Keys(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        lock (_gate)
        {
            var keys = new List<ObjectKey>();
            foreach (var (key, item) in View())
            {
                if (predicate(item))
                {
                    keys.Add(key);
                }
            }

            return keys;
        }
    }

    public T? GetShared(ObjectKey key)
    {
        lock (_gate)
        {
            return Find(key);
        }
    }

    public IReadOnlyList<T> ListShared(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        lock (_gate)
        {
            var items = new List<T>();
            foreach (var (_, item) in View())
            {
                if (predicate(item))
                {
                    items.Add(item);
                }
            }

            return items;
        }
    }

    /// <summary>What the informer delivered for <paramref name="key"/>, without written objects.</summary>
    internal T? Peek(ObjectKey key)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    /// <summary>An added or modified object from the watch.</summary>
    internal void Upsert(ObjectKey key, T item)
    {
        lock (_gate)
        {
            _items[key] = item;
            SawLocked(item.Metadata?.ResourceVersion);
            if (_written.TryGetValue(key, out var written) && CaughtUp(written, item))
            {
                _written.Remove(key);
            }
        }
    }

    /// <summary>A deleted object from the watch; a written object of the same key goes too.</summary>
    internal T? Remove(ObjectKey key, string? resourceVersion = null)
    {
        lock (_gate)
        {
            SawLocked(resourceVersion);
            _written.Remove(key);
            return _items.Remove(key, out var removed) ? removed : null;
        }
    }

    /// <summary>A bookmark: the informer has seen everything up to <paramref name="resourceVersion"/>.</summary>
    internal void Saw(string? resourceVersion)
    {
        lock (_gate)
        {
            SawLocked(resourceVersion);
        }
    }

    /// <summary>
    /// Replaces the whole content with a fresh list at <paramref name="resourceVersion"/> and returns the previous
    /// content (for the re-list diff). Written objects are dropped: the list is the authority from here on.
    /// </summary>
    internal Dictionary<ObjectKey, T> Replace(Dictionary<ObjectKey, T> items, string? resourceVersion = null)
    {
        lock (_gate)
        {
            var previous = _items;
            _items = items;
            _written.Clear();
            _seenVersion = ParseVersion(resourceVersion) ?? 0;
            return previous;
        }
    }

    /// <summary>
    /// Lays <paramref name="written"/>, an object a write returned, over the cache until the informer delivers its
    /// resourceVersion or a later one. Ignored when the informer has already got that far, when its resourceVersion is
    /// not an integer, or when read-your-writes is off; a delete by the operator is recorded with <see cref="Forget"/>.
    /// </summary>
    internal void RecordWrite(T written)
    {
        ArgumentNullException.ThrowIfNull(written);
        if (_writtenTtl <= TimeSpan.Zero || _writtenLimit == 0 || written.Metadata?.Name is null
            || ParseVersion(written.Metadata.ResourceVersion) is not { } version)
        {
            return;
        }

        var key = ObjectKey.Of(written);
        lock (_gate)
        {
            var entry = new Written(written, version, _time.GetUtcNow() + _writtenTtl);
            if (version <= _seenVersion
                || (_items.TryGetValue(key, out var cached) && CaughtUp(entry, cached))
                || (_written.TryGetValue(key, out var newer) && newer.Version >= version))
            {
                return;
            }

            if (_written.Count >= _writtenLimit && !_written.ContainsKey(key))
            {
                Prune();
                if (_written.Count >= _writtenLimit)
                {
                    _written.Remove(_written.MinBy(pair => pair.Value.ExpiresAt).Key);
                }
            }

            _written[key] = entry;
        }
    }

    /// <summary>The operator deleted <paramref name="key"/>: a written object of it must not bring it back.</summary>
    internal void Forget(ObjectKey key)
    {
        lock (_gate)
        {
            _written.Remove(key);
        }
    }

    private void SawLocked(string? resourceVersion)
    {
        if (ParseVersion(resourceVersion) is { } version && version > _seenVersion)
        {
            _seenVersion = version;
        }
    }

    // Under the lock. A written object is served while the informer is behind it and its time to live lasts.
    private T? Find(ObjectKey key)
    {
        var cached = _items.GetValueOrDefault(key);
        if (_written.Count == 0 || !_written.TryGetValue(key, out var written))
        {
            return cached;
        }

        if (Stale(written, cached))
        {
            _written.Remove(key);
            return cached;
        }

        return written.Item;
    }

    // Under the lock: the cache as readers see it. The common case (nothing written is pending) enumerates the
    // dictionary itself without allocating.
    private IEnumerable<KeyValuePair<ObjectKey, T>> View()
    {
        if (_written.Count == 0)
        {
            return _items;
        }

        Prune();
        return _written.Count == 0 ? _items : Overlaid();

        IEnumerable<KeyValuePair<ObjectKey, T>> Overlaid()
        {
            foreach (var (key, item) in _items)
            {
                yield return _written.TryGetValue(key, out var written) ? new(key, written.Item) : new(key, item);
            }

            foreach (var (key, written) in _written)
            {
                if (!_items.ContainsKey(key))
                {
                    yield return new(key, written.Item);
                }
            }
        }
    }

    // Under the lock.
    private void Prune()
    {
        List<ObjectKey>? stale = null;
        foreach (var (key, written) in _written)
        {
            if (Stale(written, _items.GetValueOrDefault(key)))
            {
                (stale ??= []).Add(key);
            }
        }

        foreach (var key in stale ?? [])
        {
            _written.Remove(key);
        }
    }

    private bool Stale(Written written, T? cached) =>
        written.ExpiresAt <= _time.GetUtcNow() || written.Version <= _seenVersion || (cached is not null && CaughtUp(written, cached));

    // The informer holds the written version or a later one; a version that is no integer cannot be compared, so the
    // written object gives way to the cache.
    private static bool CaughtUp(Written written, T cached) =>
        ParseVersion(cached.Metadata?.ResourceVersion) is not { } version || version >= written.Version;

    private static long? ParseVersion(string? resourceVersion) =>
        long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;

    // Cached objects are shared by every reader; a deep copy keeps one reconciler's edits out of the cache.
    private static T Copy(T item) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(item));

    private readonly record struct Written(T Item, long Version, DateTimeOffset ExpiresAt);
}
