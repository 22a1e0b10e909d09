namespace Daalu.Runtime.Informers;

/// <summary>
/// An informer's read-only view of one kind. <see cref="Get"/> and <see cref="List"/> return copies, so callers may
/// mutate what they get; <see cref="GetShared"/>, <see cref="ListShared"/> and the Keys methods hand out or look at the
/// cached instances themselves, which a caller must only read.
/// </summary>
/// <typeparam name="T">The kind.</typeparam>
public interface IResourceCache<T>
{
    /// <summary>Number of objects held.</summary>
    int Count { get; }

    /// <summary>The object named <paramref name="key"/>, or null.</summary>
    T? Get(ObjectKey key);

    /// <summary>Objects in <paramref name="namespace"/> (all when null) whose labels include every pair of <paramref name="labels"/>.</summary>
    IReadOnlyList<T> List(string? @namespace = null, IReadOnlyDictionary<string, string>? labels = null);

    /// <summary>Keys of every object held.</summary>
    IReadOnlyList<ObjectKey> Keys();

    /// <summary>
    /// Keys of the objects <paramref name="predicate"/> accepts, without copying any object: the predicate sees the
    /// cached instance itself, so it must only read it and must not keep it (it runs under the cache's lock, so keep
    /// it short and never call back into the cache). Use this to map an event to keys; use <see cref="Get"/> or
    /// <see cref="List"/> for objects a caller will keep or change.
    /// </summary>
    IReadOnlyList<ObjectKey> Keys(Func<T, bool> predicate);

    /// <summary>
    /// The cached instance named <paramref name="key"/> itself, or null: no copy. The informer replaces an object on
    /// every event instead of changing it, so the instance is a consistent snapshot that stays valid to read; the
    /// caller must never modify it (every other reader and the next reconcile would see the change). Use it for
    /// objects only looked at (children compared with their desired state, a referenced object's status); use
    /// <see cref="Get"/> for the object a reconciler will change.
    /// </summary>
    T? GetShared(ObjectKey key) => Get(key);

    /// <summary>
    /// The cached instances <paramref name="predicate"/> accepts, without copying; the same read-only rule as
    /// <see cref="GetShared"/>. The predicate runs under the cache's lock: keep it short, never call back into the cache.
    /// </summary>
    IReadOnlyList<T> ListShared(Func<T, bool> predicate) => [.. List().Where(predicate)];
}
