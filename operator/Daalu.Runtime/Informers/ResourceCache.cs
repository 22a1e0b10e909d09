using k8s;
using k8s.Models;

namespace Daalu.Runtime.Informers;

/// <summary>The informer's store: a key-to-object map swapped or updated under a lock.</summary>
internal sealed class ResourceCache<T> : IResourceCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _gate = new();
    private Dictionary<ObjectKey, T> _items = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    public T? Get(ObjectKey key)
    {
        lock (_gate)
        {
            return _items.TryGetValue(key, out var item) ? Copy(item) : null;
        }
    }

    public IReadOnlyList<T> List(string? @namespace = null, IReadOnlyDictionary<string, string>? labels = null)
    {
        lock (_gate)
        {
            return _items
                .Where(pair => @namespace is null || pair.Key.Namespace == @namespace)
                .Where(pair => labels is null || Matches(pair.Value.Metadata.Labels, labels))
                .Select(pair => Copy(pair.Value))
                .ToList();
        }
    }

    public IReadOnlyList<ObjectKey> Keys()
    {
        lock (_gate)
        {
            return [.. _items.Keys];
        }
    }

    public IReadOnlyList<ObjectKey> Keys(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        lock (_gate)
        {
            var keys = new List<ObjectKey>();
            foreach (var (key, item) in _items)
            {
                if (predicate(item))
                {
                    keys.Add(key);
                }
            }

            return keys;
        }
    }

    public T? GetShared(ObjectKey key) => Peek(key);

    public IReadOnlyList<T> ListShared(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        lock (_gate)
        {
            var items = new List<T>();
            foreach (var item in _items.Values)
            {
                if (predicate(item))
                {
                    items.Add(item);
                }
            }

            return items;
        }
    }

    internal T? Peek(ObjectKey key)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    internal void Upsert(ObjectKey key, T item)
    {
        lock (_gate)
        {
            _items[key] = item;
        }
    }

    internal T? Remove(ObjectKey key)
    {
        lock (_gate)
        {
            return _items.Remove(key, out var removed) ? removed : null;
        }
    }

    /// <summary>Replaces the whole content and returns the previous one (for the re-list diff).</summary>
    internal Dictionary<ObjectKey, T> Replace(Dictionary<ObjectKey, T> items)
    {
        lock (_gate)
        {
            var previous = _items;
            _items = items;
            return previous;
        }
    }

    private static bool Matches(IDictionary<string, string>? actual, IReadOnlyDictionary<string, string> wanted) =>
        wanted.All(pair => actual is not null && actual.TryGetValue(pair.Key, out var value) && value == pair.Value);

    // Cached objects are shared by every reader; a deep copy keeps one reconciler's edits out of the cache.
    private static T Copy(T item) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(item));
}
